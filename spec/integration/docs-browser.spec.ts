import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { createLambdaHandler } from '../../src/lambda';
import { createArticle, createUser, uniqueTag } from '../support/factories';
import { lambdaBridge } from '../support/lambda-bridge';
import { testEnvironment } from '../support/test-env';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// This machine's network is closed: no Chrome service may try to reach out.
const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The documentation page in a real browser, on a real listening server (with
 * SPEC_TRANSPORT=lambda, the server that turns each request into a Lambda event): Swagger UI loads
 * from our own assets, reads /openapi.json, lists the operations, and runs one.
 */
describe('GET /docs in headless Chromium', function () {
  // Swagger UI is ~1.5 MB of script to parse: on a loaded 2-core machine that took over 30 s once.
  this.timeout(150_000);
  let server: Server;
  let base: string;
  let browser: Browser;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
      this.skip();
    }
    const { app, transport } = testEnvironment();
    server = transport === 'lambda' ? lambdaBridge(createLambdaHandler(async () => app)) : createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Loaded only when the spec runs: every mocha process (nested ones too) loads this file.
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  });

  after(async () => {
    await browser?.close();
    if (server?.listening) await new Promise((resolve) => server.close(resolve));
  });

  it('lists the articles operations and executes GET /api/tags from the page', async () => {
    const tag = uniqueTag('browser');
    await createArticle((await createUser()).user, { tagList: [tag] });
    const page = await browser.newPage();
    page.setDefaultTimeout(60_000);
    const outside: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('data:')) outside.push(request.url());
    });
    await page.goto(`${base}/docs`);
    expect(page.url()).to.equal(`${base}/docs/`);

    const articles = page.locator('.opblock-tag-section', { has: page.locator('h3[data-tag="Articles"]') });
    await articles.locator('.opblock').first().waitFor();
    const articlePaths = await articles.locator('.opblock-summary-path').allInnerTexts();
    expect(articlePaths.map((text) => text.replace(/\u200b/g, '').trim())).to.include.members([
      '/api/articles',
      '/api/articles/feed',
      '/api/articles/{slug}',
    ]);

    const tags = page.locator('.opblock-get', { has: page.locator('[data-path="/api/tags"]') });
    await tags.locator('.opblock-summary').click();
    await tags.getByRole('button', { name: 'Try it out' }).click();
    await tags.getByRole('button', { name: 'Execute' }).click();
    // The server's answer, as the page renders it (the row under the table's header).
    const answer = tags.locator('.live-responses-table tr.response');
    await answer.waitFor();
    expect((await answer.locator('.response-col_status').textContent())?.trim()).to.equal('200');
    expect(await answer.locator('.response-col_description').textContent()).to.contain(tag);
    expect(outside, 'requests that left the app').to.deep.equal([]);
  });
});
