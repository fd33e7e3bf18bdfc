import nodeModule from 'node:module';

/**
 * Imported first by the long-lived entry points (server, worker) so that every module after it
 * loads through Node's on-disk compile cache (Node 22.1+; Node 20 has no such cache and this does
 * nothing). A restart then reuses V8's compiled code instead of compiling ~1,700 CommonJS files
 * again. The cache lives where Node puts it by default (`node-compile-cache` in the OS temporary
 * folder, or `NODE_COMPILE_CACHE`); Node checks each entry against the file's contents and its own
 * version, so a stale entry is recompiled, never run. `NODE_DISABLE_COMPILE_CACHE=1` turns it off.
 * A folder that cannot be written only costs the speed-up.
 */
const enable = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
enable?.();
