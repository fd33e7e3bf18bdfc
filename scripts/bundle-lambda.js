/**
 * `npm run bundle`: the Lambda artifact's code, one minified CommonJS file per function.
 *
 * Bundles what tsc emitted (`npm run build` first: tsc has already written the decorator
 * metadata that routing-controllers, class-validator, type-graphql and MikroORM read, which
 * esbuild could not produce from TypeScript) into `dist/lambda/<function>.js`, and copies beside
 * it the few files a bundle cannot hold, in a `node_modules/` of their own:
 *   - argon2: its JavaScript loads a native addon found relative to its own folder (the Linux
 *     x64 and arm64 glibc builds are copied: Lambda runs on either architecture);
 *   - swagger-ui-dist: GET /docs reads its files from disk (src/modules/docs/swagger-ui-assets.ts).
 * Everything else, `node_modules` included, is inside the bundle: Node resolves and reads one
 * file instead of ~2,000, which is most of a cold start (see `npm run bench:cold`).
 *
 * The migrate function cannot read migrations/ at run time (there is no such folder in the
 * artifact): src/db/bundled-migrations.ts is replaced here by a module importing every compiled
 * migration, in file-name order.
 *
 *   npm run bundle [-- --sourcemap] [-- --analyze] [-- --no-minify]
 *
 * --sourcemap writes `<function>.js.map` beside each bundle (serverless.yml leaves maps out of
 * the artifact); --analyze prints the largest inputs of each bundle; --no-minify
 * keeps names and one module per block of lines, for reading a CPU profile (`node --cpu-prof`).
 */
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'dist/lambda');

/**
 * One bundle per Lambda function: `serverless.yml` names `dist/lambda/<name>.handler`. A new
 * function (a queue worker, say) is one more line here.
 */
const FUNCTIONS = [
  {
    name: 'api',
    entry: 'dist/src/lambda.js',
    // The api function never migrates (MIGRATE_ON_START is false on Lambda; the migrate
    // function does it): the migrator and its CLI dependencies are ~0.6 MB to parse.
    without: { '@mikro-orm/migrations': 'the api bundle has no migrator: run the migrate function' },
  },
  { name: 'migrate', entry: 'dist/src/lambda-migrate.js' },
  {
    name: 'worker',
    entry: 'dist/src/lambda-worker.js',
    // The worker drains the job queue; like the api function, it never migrates.
    without: { '@mikro-orm/migrations': 'the worker bundle has no migrator: run the migrate function' },
  },
];

/**
 * Modules replaced by a stub in every bundle because nothing of ours uses them, though a
 * dependency loads them: class-validator requires libphonenumber-js (0.3 MB of metadata) for
 * its @IsPhoneNumber, which no DTO uses.
 */
const STUBS = {
  'libphonenumber-js/max': `exports.parsePhoneNumber = () => { throw new Error('libphonenumber-js is not in the Lambda bundle (scripts/bundle-lambda.js)'); };`,
};

/**
 * Code that only some containers run, bundled into a file of its own beside the functions' and
 * required from there when first used, so a cold start does not parse it: the Sentry SDK (1.7 MB
 * of the bundle) loads only with SENTRY_DSN. Only self-contained modules qualify (sentry-reporter
 * shares no class or state with the app): anything bundled twice exists twice.
 */
const SIDE_BUNDLES = [{ name: 'sentry-reporter', entry: 'dist/src/observability/sentry-reporter.js' }];

/**
 * Libraries bundled together into a file of their own, which the function's bundle requires
 * the first time its code requires one of them. The GraphQL stack (0.5 MB) is needed only by
 * /graphql, whose code loads on its first request (src/graphql/operation-handler.ts); the
 * libraries stay one set (type-graphql must use the same graphql module as our code).
 */
const SIDE_LIBRARIES = [
  {
    name: 'graphql-libraries',
    packages: ['graphql', 'type-graphql', 'graphql-http', 'graphql-query-complexity', 'graphql-scalars'],
    // type-graphql loads class-validator only to validate arguments itself, which it does not
    // (`validate: false`, src/graphql/schema.ts: the resolvers validate with the REST DTOs).
    without: { 'class-validator': 'type-graphql validation is off (validate: false in src/graphql/schema.ts)' },
  },
];

/**
 * Left out of the bundles. Either copied beside them (COPIED), or never loaded on Lambda: the
 * database drivers knex and MikroORM require only for other databases (or for streams we do not
 * use), and the embedded PostgreSQL (Lambda always has DATABASE_URL; the config refuses to start
 * in production without one).
 */
const EXTERNAL = [
  'argon2',
  'swagger-ui-dist',
  // knex's dialects for other databases.
  'better-sqlite3',
  'sqlite3',
  'mysql',
  'mysql2',
  'mariadb',
  'libsql',
  'oracledb',
  'tedious',
  'pg-native',
  'pg-query-stream',
  // MikroORM's optional packages: the ts-morph metadata provider (we use reflect-metadata), the
  // entity generator, the seeder (CLI only) and the CLI itself.
  '@mikro-orm/reflection',
  '@mikro-orm/entity-generator',
  '@mikro-orm/seeder',
  '@mikro-orm/cli',
  // routing-controllers' Express driver and its file uploads (we serve with Koa, no uploads).
  'express',
  'body-parser',
  'multer',
  '@koa/multer',
  // routing-controllers' optional CORS middleware (we have our own: src/http/cors.ts).
  'cors',
  '@koa/cors',
  // The embedded PostgreSQL (WebAssembly and data files read from its own folder).
  '@electric-sql/pglite',
  '@electric-sql/pglite-socket',
];

/** Packages copied into dist/lambda/node_modules, with the files each needs at run time. */
const COPIED = {
  argon2: [
    'package.json',
    'argon2.cjs',
    'prebuilds/linux-x64/argon2.glibc.node',
    'prebuilds/linux-arm64/argon2.armv8.glibc.node',
  ],
  // argon2's own dependencies, required by argon2.cjs.
  '@phc/format': ['package.json', 'index.js'],
  'node-gyp-build': ['package.json', 'index.js', 'node-gyp-build.js'],
  // Required by path only (see `leaner`), so no package.json.
  'iconv-lite': ['encodings/tables'],
  'swagger-ui-dist': ['package.json', 'swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'],
};

/**
 * Replaces src/db/bundled-migrations.js by the list of every compiled migration, or by an empty
 * list in a bundle without the migrator.
 */
const bundledMigrations = (withMigrator) => ({
  name: 'bundled-migrations',
  setup(build) {
    build.onLoad({ filter: /[\\/]dist[\\/]src[\\/]db[\\/]bundled-migrations\.js$/ }, () => {
      if (!withMigrator) return { contents: 'exports.bundledMigrations = [];\n', loader: 'js' };
      const folder = path.join(ROOT, 'dist/migrations');
      const names = fs
        .readdirSync(folder)
        .filter((file) => /^Migration.*\.js$/.test(file))
        .sort()
        .map((file) => file.replace(/\.js$/, ''));
      const entries = names.map(
        (name) =>
          `{ name: ${JSON.stringify(name)}, class: require(${JSON.stringify(path.join(folder, `${name}.js`))})[${JSON.stringify(name)}] }`,
      );
      return { contents: `exports.bundledMigrations = [\n${entries.join(',\n')}\n];\n`, loader: 'js' };
    });
  },
});

/** Modules of `without` throw when loaded; STUBS replace theirs. */
function stubs(without = {}) {
  const modules = {
    ...STUBS,
    ...Object.fromEntries(
      Object.entries(without).map(([name, why]) => [name, `throw new Error(${JSON.stringify(why)});`]),
    ),
  };
  const filter = new RegExp(
    `^(${Object.keys(modules)
      .map((name) => name.replace(/[/.]/g, '\\$&'))
      .join('|')})$`,
  );
  return {
    name: 'stubs',
    setup(build) {
      build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'stub' }));
      build.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({ contents: modules[args.path], loader: 'js' }));
    },
  };
}

/**
 * Fixes, and smaller to parse with the same behaviour: one copy of mime-db (Koa's dependencies each bring their own
 * version of the same JSON, 0.13 MB apiece), and iconv-lite's tables for Asian encodings kept as
 * files that it requires only when such a body arrives.
 */
const leaner = {
  name: 'leaner',
  setup(build) {
    // MikroORM reads its version from `../../package.json`, else `../package.json`, relative to
    // its utils/ folder: in a bundle that is whatever lies near the bundle (the project's own
    // package.json when run from the checkout, 0.1.0), and its version check then fails.
    const ormPackage = require.resolve('@mikro-orm/core/package.json', { paths: [ROOT] });
    build.onResolve({ filter: /^\.\.\/(\.\.\/)?package\.json$/ }, (args) =>
      /[\\/]@mikro-orm[\\/]core[\\/]utils$/.test(args.resolveDir) ? { path: ormPackage } : undefined,
    );
    const mimeDb = require.resolve('mime-db', { paths: [ROOT] });
    build.onResolve({ filter: /^mime-db$/ }, () => ({ path: mimeDb }));
    build.onResolve({ filter: /^\.\/tables\/[\w-]+\.json$/ }, (args) =>
      /[\\/]iconv-lite[\\/]encodings$/.test(args.resolveDir)
        ? { path: `./node_modules/iconv-lite/encodings/${args.path.slice(2)}`, external: true }
        : undefined,
    );
  },
};

/**
 * One copy of each package version: npm nests identical copies of a package under several
 * dependents (mime-types 2.1.35 under accepts, co-body and koa-bodyparser), and each copy in a
 * bundle is parsed and run again (mime-types builds its tables from mime-db on load).
 */
const oneCopyPerVersion = {
  name: 'one-copy-per-version',
  setup(build) {
    const firstCopy = new Map();
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.deduplicating) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { deduplicating: true },
      });
      if (resolved.errors.length > 0 || resolved.external || !resolved.path) return undefined;
      const match = resolved.path.match(/^(.*[\\/]node_modules[\\/](?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/);
      if (!match) return resolved;
      const root = match[1];
      let version;
      try {
        const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
        version = `${manifest.name}@${manifest.version}`;
      } catch {
        return resolved;
      }
      const first = firstCopy.get(version) ?? root;
      firstCopy.set(version, first);
      return { ...resolved, path: first + resolved.path.slice(root.length) };
    });
  },
};

/** Imports of a side bundle become `require('./<name>.js')`, beside the function's bundle. */
const sideBundleImports = {
  name: 'side-bundles',
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const target = path.resolve(args.resolveDir, args.path).replace(/\.js$/, '');
      const side = SIDE_BUNDLES.find(({ entry }) => path.join(ROOT, entry).replace(/\.js$/, '') === target);
      return side ? { path: `./${side.name}.js`, external: true } : undefined;
    });
  },
};

/** `require('graphql')` in a function's bundle becomes `require('./graphql-libraries.js').graphql`. */
const sideLibraryImports = {
  name: 'side-libraries',
  setup(build) {
    const names = SIDE_LIBRARIES.flatMap(({ packages }) => packages);
    const filter = new RegExp(`^(${names.map((name) => name.replace(/[/.]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'side-library' }));
    build.onLoad({ filter: /.*/, namespace: 'side-library' }, (args) => {
      const side = SIDE_LIBRARIES.find(({ packages }) => packages.includes(args.path));
      return { contents: `module.exports = require('./${side.name}.js')[${JSON.stringify(args.path)}];`, loader: 'js' };
    });
    build.onResolve({ filter: /^\.\/[\w-]+\.js$/, namespace: 'side-library' }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

/** The entry of a side library bundle: every package of it, by name. */
function sideLibraryEntry({ packages }) {
  return {
    contents: packages.map((name) => `exports[${JSON.stringify(name)}] = require(${JSON.stringify(name)});`).join('\n'),
    resolveDir: ROOT,
    loader: 'js',
  };
}

function copyPackage(name, files) {
  const from = path.join(ROOT, 'node_modules', name);
  const to = path.join(OUT_DIR, 'node_modules', name);
  for (const file of files) {
    fs.cpSync(path.join(from, file), path.join(to, file), { recursive: true });
  }
}

/**
 * One minified CommonJS bundle of a compiled entry point, as the artifact holds it. Also used by
 * `npm run bench:cold` for its bare baseline handler, so both are bundled the same way.
 */
async function bundleEntry(
  entry,
  outfile,
  { sourcemap = false, minify = true, external = EXTERNAL, plugins = [], stdin } = {},
) {
  return esbuild.build({
    ...(stdin ? { stdin } : { entryPoints: [entry] }),
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    // Lambda runs Node 24; CI runs the bundled handler on 20, 22 and 24 too.
    target: 'node20',
    minify,
    // MikroORM names entities (and type-graphql its types) after their classes.
    keepNames: true,
    sourcemap: sourcemap ? 'external' : false,
    external,
    // MikroORM checks at start-up that the @mikro-orm/* packages installed next to the project's
    // package.json have its version: a bundle holds the ones it was built with, and would read
    // whatever project it happens to run beside (the checkout's, in the specs).
    define: { 'process.env.MIKRO_ORM_ALLOW_VERSION_MISMATCH': '"bundled"' },
    plugins,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}

async function main() {
  const sourcemap = process.argv.includes('--sourcemap');
  const analyze = process.argv.includes('--analyze');
  const minify = !process.argv.includes('--no-minify');
  for (const { entry } of FUNCTIONS) {
    if (!fs.existsSync(path.join(ROOT, entry))) throw new Error(`${entry} is missing: run \`npm run build\` first`);
  }
  fs.rmSync(OUT_DIR, { recursive: true, force: true });

  for (const { name, entry, without } of [...FUNCTIONS, ...SIDE_BUNDLES]) {
    const outfile = path.join(OUT_DIR, `${name}.js`);
    const withMigrator = !without?.['@mikro-orm/migrations'];
    const plugins = [
      bundledMigrations(withMigrator),
      sideBundleImports,
      sideLibraryImports,
      stubs(without),
      leaner,
      oneCopyPerVersion,
    ];
    const result = await bundleEntry(path.join(ROOT, entry), outfile, { sourcemap, minify, plugins });
    const bytes = fs.statSync(outfile).size;
    console.log(`dist/lambda/${name}.js  ${(bytes / 1024 / 1024).toFixed(2)} MB  (from ${entry})`);
    if (analyze) console.log(await esbuild.analyzeMetafile(result.metafile, { verbose: false }));
    if (process.env.BUNDLE_METAFILE)
      fs.writeFileSync(`${process.env.BUNDLE_METAFILE}.${name}.json`, JSON.stringify(result.metafile));
  }
  for (const library of SIDE_LIBRARIES) {
    const outfile = path.join(OUT_DIR, `${library.name}.js`);
    const plugins = [stubs(library.without), leaner, oneCopyPerVersion];
    await bundleEntry(undefined, outfile, { sourcemap, minify, plugins, stdin: sideLibraryEntry(library) });
    const bytes = fs.statSync(outfile).size;
    console.log(
      `dist/lambda/${library.name}.js  ${(bytes / 1024 / 1024).toFixed(2)} MB  (${library.packages.join(', ')})`,
    );
  }
  for (const [name, files] of Object.entries(COPIED)) copyPackage(name, files);
}

/** The plugins of the api function's bundle that apply to any entry (bench/cold-floor uses them). */
function libraryPlugins(without) {
  return [stubs(without), leaner, oneCopyPerVersion];
}

module.exports = { FUNCTIONS, SIDE_BUNDLES, OUT_DIR, bundleEntry, libraryPlugins };

if (require.main === module) {
  main().catch((error) => {
    console.error(error.message ?? error);
    process.exit(1);
  });
}
