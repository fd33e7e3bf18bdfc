import type { Context } from 'koa';
import { Controller, Ctx, Get, Param } from 'routing-controllers';
import { Service } from 'typedi';
import { NotFound } from '../../domain/errors';
import { ApiDocument } from '../../http/openapi/api-document';
import { Documented } from '../../http/openapi/documented';
import { docsAsset } from './swagger-ui-assets';

const ASSET_RESPONSE = {
  description: 'The page, its start script, or a swagger-ui-dist file',
  content: {
    'text/html': { schema: { type: 'string' } },
    'text/css': { schema: { type: 'string' } },
    'application/javascript': { schema: { type: 'string' } },
    'image/png': { schema: { type: 'string', format: 'binary' } },
  },
} as const;

/** The OpenAPI document and the interactive documentation (Swagger UI) that reads it. */
@Service()
@Controller()
export class DocsController {
  constructor(private readonly document: ApiDocument) {}

  @Get('/openapi.json')
  @Documented({
    summary: 'This OpenAPI document',
    responses: {
      200: {
        description: 'OpenAPI 3 document',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    },
  })
  openapi(@Ctx() ctx: Context): string {
    ctx.type = 'application/json';
    return this.document.toJson();
  }

  /** `/docs` moves to `/docs/`, so the page's relative asset URLs resolve under it. */
  @Get('/docs')
  @Documented({
    summary: 'Interactive API documentation (Swagger UI)',
    responses: {
      200: { description: 'The documentation page', content: { 'text/html': { schema: { type: 'string' } } } },
      301: { description: 'From /docs to /docs/', content: { 'text/plain': { schema: { type: 'string' } } } },
    },
  })
  page(@Ctx() ctx: Context): string | Buffer {
    if (!ctx.path.endsWith('/')) {
      // Relative, so a path prefix in front of the app (an API Gateway stage) is kept.
      ctx.status = 301;
      ctx.set('Location', 'docs/');
      ctx.type = 'text/plain';
      return 'Moved to docs/';
    }
    return this.serve(ctx, 'index.html');
  }

  @Get('/docs/:asset')
  @Documented({ summary: 'A file of the documentation page', responses: { 200: ASSET_RESPONSE }, errors: [404] })
  asset(@Param('asset') name: string, @Ctx() ctx: Context): Buffer {
    return this.serve(ctx, name);
  }

  private serve(ctx: Context, name: string): Buffer {
    const asset = docsAsset(name);
    if (!asset) throw new NotFound(`no documentation file named ${name}`);
    ctx.type = asset.type;
    ctx.set('Cache-Control', 'public, max-age=3600');
    return asset.body;
  }
}
