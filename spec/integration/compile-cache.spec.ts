import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

const ROOT = path.resolve(__dirname, '../..');
const supportsCompileCache = Number(process.versions.node.split('.')[0]) >= 22;

describe('the compile cache of the server and worker (src/compile-cache.ts)', function () {
  this.timeout(60_000);
  let folder: string;
  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'conduit-compile-cache-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  /** The compile cache folder a fresh Node process reports after importing the module. */
  function cacheFolderAfterImport(env: NodeJS.ProcessEnv): string {
    // Unset, not empty: Node reads an empty NODE_COMPILE_CACHE as a folder it cannot use.
    const { NODE_COMPILE_CACHE: _folder, NODE_DISABLE_COMPILE_CACHE: _disabled, ...inherited } = process.env;
    return execFileSync(
      process.execPath,
      [
        '-r',
        'ts-node/register/transpile-only',
        '-e',
        "require('./src/compile-cache'); console.log(require('node:module').getCompileCacheDir?.() ?? '')",
      ],
      { cwd: ROOT, env: { ...inherited, ...env }, encoding: 'utf8' },
    ).trim();
  }

  it(supportsCompileCache ? 'turns Node’s cache on (Node 22+)' : 'does nothing on Node 20', () => {
    // TMPDIR places the default folder (os.tmpdir()/node-compile-cache) inside this spec's own.
    const reported = cacheFolderAfterImport({ TMPDIR: folder });
    if (supportsCompileCache) expect(reported.startsWith(path.join(folder, 'node-compile-cache'))).to.equal(true);
    else expect(reported).to.equal('');
  });

  it('leaves it off when NODE_DISABLE_COMPILE_CACHE=1', () => {
    expect(cacheFolderAfterImport({ TMPDIR: folder, NODE_DISABLE_COMPILE_CACHE: '1' })).to.equal('');
  });
});
