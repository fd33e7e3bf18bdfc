/**
 * `npm run mutate`: mutation testing with Stryker (stryker.config.mjs), then the score per module.
 *
 *   npm run mutate                                       # all of src/ (hours on two cores)
 *   npm run mutate -- src/modules/articles               # one folder
 *   npm run mutate -- src/modules/articles/slug.ts src/http/error-handler.ts
 *   npm run mutate -- src/http --concurrency 1           # options after the paths go to Stryker
 *   npm run mutate -- --summary                          # reprint the last report's table only
 *   npm run mutate -- src/http --survivors               # the table, then every surviving mutant
 *   npm run mutate -- --combined                         # one table from every target's latest report
 *   npm run mutate -- --each                             # every target of scripts/mutation-targets.json,
 *                                                        # each with its own specs, then --combined
 *
 * Each target (the set of paths given) keeps its own report and incremental file under
 * reports/mutation/<target>/ (MUTATE_REPORT_DIR, read by stryker.config.mjs): Stryker's
 * incremental file holds only the files of the run that wrote it, so a run on one module must not
 * replace the baseline of another. A rerun of the same target tests only the mutants whose code
 * or covering specs changed.
 *
 * The specs run on the embedded PostgreSQL, in memory, one per Stryker worker (DATABASE_URL is
 * ignored): a worker never runs mocha's global teardown, so a server database would be left
 * behind by every worker.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');

function main(argv) {
  if (argv.includes('--combined')) return printCombined();
  if (argv.includes('--each')) return runEach(argv.filter((arg) => arg !== '--each'));
  const listSurvivors = argv.includes('--survivors');
  const summaryOnly = listSurvivors || argv.includes('--summary');
  const rest = argv.filter((arg) => arg !== '--summary' && arg !== '--survivors');
  const firstOption = rest.findIndex((arg) => arg.startsWith('-'));
  const targets = firstOption === -1 ? rest : rest.slice(0, firstOption);
  const strykerOptions = firstOption === -1 ? [] : rest.slice(firstOption);
  const paths = targets.length > 0 ? targets : ['src'];
  for (const target of paths) {
    if (!fs.existsSync(path.join(ROOT, target))) {
      console.error(`npm run mutate: ${target} does not exist`);
      return 2;
    }
  }
  const reportDir = path.join('reports/mutation', targetName(paths));
  const reportFile = path.join(ROOT, reportDir, 'mutation.json');

  if (!summaryOnly) {
    const env = { ...process.env, MUTATE_REPORT_DIR: reportDir };
    delete env.DATABASE_URL;
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      [
        path.join(path.dirname(require.resolve('@stryker-mutator/core/package.json')), 'bin/stryker.js'),
        'run',
        '--mutate',
        paths.map(mutatePattern).join(','),
        ...strykerOptions,
      ],
      { cwd: ROOT, env, stdio: 'inherit' },
    );
    const minutes = ((Date.now() - started) / 60000).toFixed(1);
    console.log(`\nStryker ran ${minutes} min on ${paths.join(' ')}; report: ${reportDir}/index.html`);
    if (result.status !== 0) return result.status ?? 1;
  }
  if (!fs.existsSync(reportFile)) {
    console.error(`npm run mutate: no report at ${reportFile}`);
    return 1;
  }
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  printScores(report);
  if (listSurvivors) printSurvivors(report);
  return 0;
}

/** A folder becomes every TypeScript file under it; declaration files have no code to mutate. */
function mutatePattern(target) {
  const stat = fs.statSync(path.join(ROOT, target));
  const clean = target.replace(/\/+$/, '');
  return stat.isDirectory() ? `${clean}/**/!(*.d).ts` : clean;
}

function targetName(paths) {
  return paths.map((target) => target.replace(/\/+$/, '').replace(/[^\w.-]+/g, '_')).join('+');
}

/** The module a file belongs to: its feature folder, or its top-level folder under src/. */
function moduleOf(file) {
  const parts = file.split('/');
  if (parts[0] === 'src' && parts[1] === 'modules' && parts.length > 3) return parts.slice(0, 3).join('/');
  if (parts[0] === 'src' && parts.length > 2) return parts.slice(0, 2).join('/');
  return 'src (top level)';
}

const DETECTED = new Set(['Killed', 'Timeout']);

function emptyTally() {
  return { detected: 0, survived: 0, noCoverage: 0, ignored: 0 };
}

function count(tally, status) {
  if (DETECTED.has(status)) tally.detected++;
  else if (status === 'Survived') tally.survived++;
  else if (status === 'NoCoverage') tally.noCoverage++;
  else tally.ignored++; // compile errors, runtime errors, ignored: not part of the score
}

/**
 * Stryker's score: detected (killed or timed out) / (detected + survived + no coverage); the
 * covered score leaves out the mutants no spec reaches.
 */
function printScores(report) {
  const modules = new Map();
  const files = new Map();
  const groups = { 'src/modules + src/http': emptyTally(), all: emptyTally() };
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const relative = path.relative(ROOT, path.resolve(ROOT, file));
    const module = moduleOf(relative);
    if (!modules.has(module)) modules.set(module, emptyTally());
    files.set(relative, emptyTally());
    for (const { status } of mutants) {
      count(modules.get(module), status);
      count(files.get(relative), status);
      count(groups.all, status);
      if (module.startsWith('src/modules/') || module === 'src/http') count(groups['src/modules + src/http'], status);
    }
  }
  const rows = [];
  const row = (name, t) => {
    const valid = t.detected + t.survived + t.noCoverage;
    const covered = t.detected + t.survived;
    rows.push([
      name,
      String(t.detected),
      String(t.survived),
      String(t.noCoverage),
      valid ? ((100 * t.detected) / valid).toFixed(1) : '-',
      covered ? ((100 * t.detected) / covered).toFixed(1) : '-',
    ]);
  };
  const byName = (a, b) => a[0].localeCompare(b[0]);
  if (files.size <= 20) {
    for (const [name, t] of [...files].sort(byName)) row(name, t);
    rows.push(null);
  }
  for (const [name, t] of [...modules].sort(byName)) row(name, t);
  rows.push(null);
  for (const [name, t] of Object.entries(groups)) row(name, t);
  const header = ['', 'killed', 'survived', 'no coverage', 'score %', 'of covered %'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.filter(Boolean).map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\n${line(header)}`);
  for (const r of rows) console.log(r ? line(r) : '-'.repeat(widths.reduce((a, w) => a + w + 2, -2)));
}

/**
 * src/modules and src/http, one Stryker run per target of scripts/mutation-targets.json, each with
 * the specs that exercise it (a run with the whole suite would take days on two cores), static
 * mutants left out; then the combined table. Options given are passed to every run.
 */
function runEach(strykerOptions) {
  const { targets } = JSON.parse(fs.readFileSync(path.join(__dirname, 'mutation-targets.json'), 'utf8'));
  const started = Date.now();
  for (const { paths, specs } of targets) {
    const status = main([...paths, '--testFiles', specs.join(','), '--ignoreStatic', ...strykerOptions]);
    if (status !== 0) return status;
  }
  console.log(`\nAll targets: ${((Date.now() - started) / 60000).toFixed(1)} min`);
  return printCombined();
}

/**
 * The scores of every target run so far (each folder of reports/mutation/), as one table: each
 * file's mutants from the newest report that holds it, so modules measured by separate runs, each
 * with its own specs, add up without counting a file twice.
 */
function printCombined() {
  const root = path.join(ROOT, 'reports/mutation');
  const reports = (fs.existsSync(root) ? fs.readdirSync(root) : [])
    .map((target) => path.join(root, target, 'mutation.json'))
    .filter((file) => fs.existsSync(file))
    .map((file) => ({ file, modified: fs.statSync(file).mtimeMs }))
    .sort((a, b) => a.modified - b.modified);
  if (reports.length === 0) {
    console.error('npm run mutate: no reports under reports/mutation/ yet');
    return 1;
  }
  const files = {};
  for (const { file } of reports) {
    for (const [name, result] of Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')).files)) {
      files[path.relative(ROOT, path.resolve(ROOT, name))] = result; // newer reports overwrite older ones
    }
  }
  console.log(`${reports.length} reports: ${reports.map(({ file }) => path.basename(path.dirname(file))).join(', ')}`);
  printScores({ files });
  return 0;
}

/**
 * What the specs still miss: each surviving or uncovered mutant as file:line, the mutator, and the
 * code it put there, under the source line it changed (the work list for the next specs).
 */
function printSurvivors(report) {
  for (const [file, { source, mutants }] of Object.entries(report.files)) {
    const lines = source.split('\n');
    const missed = mutants
      .filter(({ status }) => status === 'Survived' || status === 'NoCoverage')
      .sort((a, b) => a.location.start.line - b.location.start.line);
    if (missed.length === 0) continue;
    console.log(`\n${path.relative(ROOT, path.resolve(ROOT, file))}`);
    for (const { status, mutatorName, replacement, location } of missed) {
      const at = location.start.line;
      const shown = (replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
      console.log(
        `  ${String(at).padStart(4)}  ${status === 'NoCoverage' ? 'no coverage' : 'survived'}  ${mutatorName}: ${shown}`,
      );
      console.log(`        | ${lines[at - 1].trim().slice(0, 110)}`);
    }
  }
}

process.exitCode = main(process.argv.slice(2));
