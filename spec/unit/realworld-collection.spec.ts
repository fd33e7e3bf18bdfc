import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CollectionUnavailableError, resolveCollection, sha256Of } from '../../scripts/realworld-collection';

describe('the RealWorld collection for npm run conformance', () => {
  const collection = Buffer.from('{"info":{"name":"Conduit"},"item":[]}');
  let dir: string;
  let server: Server;
  let baseUrl: string;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-collection-'));
    server = createServer((req, res) => {
      if (req.url === '/collection.json') res.end(collection);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const options = (overrides: Partial<Parameters<typeof resolveCollection>[0]> = {}) => ({
    projectRoot: dir,
    sharedCopy: path.join(dir, 'shared.json'),
    cacheFile: path.join(dir, '.cache', 'collection.json'),
    url: `${baseUrl}/collection.json`,
    sha256: sha256Of(collection),
    ...overrides,
  });

  it('uses the shared copy when there is one, without downloading', async () => {
    fs.writeFileSync(path.join(dir, 'shared.json'), collection);
    const found = await resolveCollection(options({ url: `${baseUrl}/nothing-here` }));
    expect(found).to.deep.equal({ path: path.join(dir, 'shared.json'), source: 'shared' });
  });

  it('downloads the pinned file once, verifies its checksum and caches it', async () => {
    const first = await resolveCollection(options());
    expect(first.source).to.equal('download');
    expect(fs.readFileSync(first.path)).to.deep.equal(collection);
    const second = await resolveCollection(options({ url: `${baseUrl}/nothing-here` }));
    expect(second).to.deep.equal({ path: first.path, source: 'cache' });
  });

  it('refuses a download whose checksum differs, and caches nothing', async () => {
    const error = await resolveCollection(options({ sha256: 'f'.repeat(64) })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CollectionUnavailableError);
    expect((error as Error).message).to.match(/SHA-256 .* not the pinned f{64}; refusing/);
    expect(fs.existsSync(path.join(dir, '.cache', 'collection.json'))).to.equal(false);
  });

  it('says clearly what to do when the download fails (offline)', async () => {
    const closedPort = `${baseUrl.replace(/:\d+$/, '')}:1/collection.json`;
    const error = await resolveCollection(options({ url: closedPort })).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CollectionUnavailableError);
    expect((error as Error).message).to.match(/are you offline\? .*npm run conformance -- <Conduit/);
  });
});
