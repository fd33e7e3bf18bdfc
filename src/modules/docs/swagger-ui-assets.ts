import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The files of the interactive documentation at /docs/, served from this host (never a CDN): the
 * page, a start script (a file, not an inline script, so a strict CSP can allow 'self' only),
 * and the three files of swagger-ui-dist it loads. Nothing else under /docs/ is served.
 */
export interface DocsAsset {
  type: string;
  body: Buffer;
}

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>koa-conduit API</title>
    <link rel="stylesheet" href="swagger-ui.css">
    <link rel="icon" type="image/png" href="favicon-32x32.png">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="swagger-ui-bundle.js"></script>
    <script src="docs-init.js"></script>
  </body>
</html>
`;

// Relative URLs: the page works under a path prefix too (an API Gateway stage). No validator
// badge: it would send the document to validator.swagger.io.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: new URL('../openapi.json', window.location.href).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
});
`;

const FROM_SWAGGER_UI_DIST: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** The names served under /docs/, for the document and the packaging check. */
export const DOCS_ASSET_NAMES = ['index.html', 'docs-init.js', ...Object.keys(FROM_SWAGGER_UI_DIST)];

let cache: Map<string, DocsAsset> | undefined;

/** The asset of that name, read from disk once (about 1.5 MB in all); undefined for any other name. */
export function docsAsset(name: string): DocsAsset | undefined {
  cache ??= loadAssets();
  return cache.get(name);
}

function loadAssets(): Map<string, DocsAsset> {
  const folder = dirname(require.resolve('swagger-ui-dist/package.json'));
  const assets = new Map<string, DocsAsset>([
    ['index.html', { type: 'text/html; charset=utf-8', body: Buffer.from(PAGE) }],
    ['docs-init.js', { type: 'application/javascript; charset=utf-8', body: Buffer.from(INIT_SCRIPT) }],
  ]);
  for (const [name, type] of Object.entries(FROM_SWAGGER_UI_DIST)) {
    assets.set(name, { type, body: readFileSync(join(folder, name)) });
  }
  return assets;
}
