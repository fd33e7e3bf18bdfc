import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'chai';
import { openApiText } from '../../src/cli/commands/openapi';
import { api } from '../support/test-env';

interface Operation {
  summary?: string;
  security?: unknown[];
  responses: Record<string, { $ref?: string; content?: Record<string, unknown> }>;
}
type Paths = Record<string, Record<string, Operation>>;

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3 document generated from the controllers', async () => {
    const response = await api()
      .get('/openapi.json')
      .expect(200)
      .expect('content-type', /application\/json/);
    expect(response.body.openapi).to.match(/^3\./);
    expect(response.body.info.title).to.equal('koa-conduit');
    const paths = Object.keys(response.body.paths);
    for (const path of ['/api/articles', '/api/articles/{slug}', '/api/tags', '/auth', '/protected', '/health', '/']) {
      expect(paths).to.include(path);
    }
  });

  it('gives every operation a summary, its security and the error statuses that apply, in the error shape', async () => {
    const { body } = await api().get('/openapi.json').expect(200);
    const paths = body.paths as Paths;
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.summary, where).to.be.a('string').and.not.equal('');
        expect(operation.security, where).to.be.an('array');
        expect(Object.keys(operation.responses), where).to.include.members(['400', '500', '503']);
        // The OAuth endpoints answer every error in RFC 6749's shape instead (see the next spec).
        if (path.startsWith('/oauth/')) continue;
        expect(operation.responses['500'].$ref, where).to.equal('#/components/responses/Error500');
      }
    }
    expect(body.components.responses.Error422.content['application/json'].schema).to.deep.equal({
      $ref: '#/components/schemas/ErrorResponse',
    });
    expect(paths['/api/articles/{slug}'].put.security).to.deep.equal([{ Token: [] }]);
    expect(Object.keys(paths['/api/articles/{slug}'].put.responses)).to.include.members([
      '200',
      '401',
      '403',
      '404',
      '413',
      '415',
      '422',
    ]);
    expect(paths['/api/articles'].get.security).to.deep.equal([{ Token: [] }, {}]);
    expect(paths['/api/tags'].get.security).to.deep.equal([]);
    expect(Object.keys(paths['/api/articles/{slug}'].delete.responses)).to.include('204').and.not.include('200');
    expect(body.components.securitySchemes.Token).to.include({ type: 'apiKey', in: 'header', name: 'Authorization' });
  });

  it('documents the OAuth endpoints: form or JSON bodies, every error in the OAuth shape', async () => {
    const { body } = await api().get('/openapi.json').expect(200);
    for (const path of ['/oauth/token', '/oauth/revoke']) {
      const operation = body.paths[path].post;
      expect(Object.keys(operation.requestBody.content), path).to.deep.equal([
        'application/x-www-form-urlencoded',
        'application/json',
      ]);
      for (const status of ['400', '401', '413', '415', '429', '500', '503']) {
        expect(operation.responses[status].content['application/json'].schema, `${path} ${status}`).to.deep.equal({
          $ref: '#/components/schemas/OAuthErrorResponse',
        });
      }
      expect(operation.security).to.deep.equal([]);
    }
    expect(body.components.schemas.OAuthTokenResponse.required).to.include.members([
      'access_token',
      'token_type',
      'expires_in',
      'refresh_token',
    ]);
  });

  it("takes the list filters from the query DTO, and each response schema from the view's class", async () => {
    const { body } = await api().get('/openapi.json').expect(200);
    const list = (body.paths as Paths)['/api/articles'].get as Operation & { parameters: { name: string }[] };
    expect(list.parameters.map((parameter) => parameter.name)).to.include.members([
      'tag',
      'author',
      'favorited',
      'limit',
      'offset',
    ]);
    expect(body.components.schemas.Profile.required).to.have.members(['username', 'bio', 'image', 'following']);
    expect(body.components.schemas.Profile.properties.bio).to.deep.equal({ type: 'string', nullable: true });
  });

  it('answers 405 to another method, in the error shape', async () => {
    const response = await api().post('/openapi.json').expect(405);
    expect(response.body.errors.body[0]).to.contain('POST');
  });

  it('is the committed openapi.json (regenerate with `npm run cli -- openapi > openapi.json`)', () => {
    const committed = readFileSync(resolve(__dirname, '../../openapi.json'), 'utf8');
    expect(committed, 'openapi.json is out of date: run `npm run cli -- openapi > openapi.json`').to.equal(
      openApiText(),
    );
  });
});

describe('GET /docs', () => {
  it('moves /docs to /docs/, relatively, so a path prefix in front of the app is kept', async () => {
    await api().get('/docs').expect(301).expect('location', 'docs/');
  });

  it('serves the Swagger UI page, which loads local assets only and points at /openapi.json', async () => {
    const page = await api()
      .get('/docs/')
      .expect(200)
      .expect('content-type', /text\/html/);
    expect(page.text).to.contain('src="swagger-ui-bundle.js"').and.contain('src="docs-init.js"');
    expect(page.text).not.to.match(/https?:\/\//);
    const init = await api()
      .get('/docs/docs-init.js')
      .expect(200)
      .expect('content-type', /application\/javascript/);
    expect(init.text).to.contain("'../openapi.json'");
  });

  it('serves the swagger-ui-dist files with their content types', async () => {
    const bundle = await api()
      .get('/docs/swagger-ui-bundle.js')
      .expect(200)
      .expect('content-type', /javascript/);
    expect(bundle.text).to.contain('SwaggerUIBundle');
    await api()
      .get('/docs/swagger-ui.css')
      .expect(200)
      .expect('content-type', /text\/css/);
    const icon = await api()
      .get('/docs/favicon-32x32.png')
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200)
      .expect('content-type', 'image/png');
    // The PNG signature: bytes intact through both transports (base64 on Lambda).
    expect((icon.body as Buffer).subarray(0, 8).toString('hex')).to.equal('89504e470d0a1a0a');
  });

  it('answers 404 for any other file, and 405 for another method', async () => {
    const missing = await api().get('/docs/package.json').expect(404);
    expect(missing.body.errors.body).to.deep.equal(['no documentation file named package.json']);
    await api().delete('/docs/').expect(405);
  });
});
