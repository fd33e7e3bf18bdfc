import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Where `npm run conformance` finds the public RealWorld Postman collection.
 *
 * In the monorepo it sits in ../shared/realworld. A standalone clone has no such folder, so the
 * file is downloaded once from a pinned upstream commit and kept in .cache/; it is used only when
 * its SHA-256 matches the pinned one, so a changed upstream file or a corrupted download can never
 * silently change what "conformant" means.
 */

export const PINNED_COLLECTION = {
  commit: '747190ecf0bb27d461cf1100f6cb3468c6c914ed',
  url: 'https://raw.githubusercontent.com/gothinkster/realworld/747190ecf0bb27d461cf1100f6cb3468c6c914ed/api/Conduit.postman_collection.json',
  sha256: 'd6e9a7e5ea83e60afff7e1ed171995e268d9be1486d2616475c995f0cdfea8b1',
};

export class CollectionUnavailableError extends Error {}

export interface ResolveCollectionOptions {
  projectRoot: string;
  /** Overrides for the spec: another source and checksum. */
  url?: string;
  sha256?: string;
  sharedCopy?: string;
  cacheFile?: string;
  log?: (line: string) => void;
  timeoutMs?: number;
}

export function sha256Of(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function resolveCollection(options: ResolveCollectionOptions): Promise<{ path: string; source: string }> {
  const url = options.url ?? PINNED_COLLECTION.url;
  const expected = options.sha256 ?? PINNED_COLLECTION.sha256;
  const sharedCopy =
    options.sharedCopy ?? path.resolve(options.projectRoot, '../shared/realworld/Conduit.postman_collection.json');
  const cacheFile =
    options.cacheFile ?? path.join(options.projectRoot, '.cache', 'realworld', 'Conduit.postman_collection.json');
  const log = options.log ?? (() => {});

  if (fs.existsSync(sharedCopy)) return { path: sharedCopy, source: 'shared' };
  if (fs.existsSync(cacheFile) && sha256Of(fs.readFileSync(cacheFile)) === expected) {
    return { path: cacheFile, source: 'cache' };
  }

  log(`no collection at ${sharedCopy}; downloading the pinned one from ${url}`);
  let bytes: Buffer;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 20_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CollectionUnavailableError(
      `could not download the RealWorld collection (${cause}): are you offline? ` +
        'Download it yourself and run `npm run conformance -- <Conduit.postman_collection.json>`.',
    );
  }
  const actual = sha256Of(bytes);
  if (actual !== expected) {
    throw new CollectionUnavailableError(
      `the downloaded collection has SHA-256 ${actual}, not the pinned ${expected}; refusing to use it`,
    );
  }
  fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
  // Written whole, then renamed: an interrupted run never leaves a truncated cache behind.
  const partial = `${cacheFile}.${process.pid}.partial`;
  fs.writeFileSync(partial, bytes);
  fs.renameSync(partial, cacheFile);
  log(`verified (sha256 ${actual}) and cached in ${path.relative(options.projectRoot, cacheFile)}`);
  return { path: cacheFile, source: 'download' };
}
