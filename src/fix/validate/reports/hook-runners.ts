// The CommonJS hook loaded with --require in every node process of a test run.

/**
 * mocha, jest and jasmine: each runner's module is patched as it loads (Module._load), so it
 * works whatever npm script starts the runner. Also exports `record`, the one JSON-lines writer
 * (`{"name","outcome"}` to $GLOBALLM_RESULTS_DIR/<runner>-<pid>.jsonl), for the vitest hook.
 * Ids: mocha's full title; jest's `file > describe > test`; jasmine's full name.
 */
export const RUNNERS_HOOK = String.raw`'use strict';
// Records per-test results of mocha, jest and jasmine as JSON lines, patching each runner as its module loads.
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.GLOBALLM_RESULTS_DIR;

/** Appends one result; best effort: a run whose results cannot be written is judged by its exit code. */
function record(runner, name, outcome) {
  if (!dir) return;
  try { fs.appendFileSync(path.join(dir, runner + '-' + process.pid + '.jsonl'), JSON.stringify({ name, outcome }) + '\n'); } catch { /* judged by exit code */ }
}

/** A test file's path from the working directory, the first part of an id. */
function rel(file) {
  return path.relative(process.cwd(), String(file)).split(path.sep).join('/');
}

// mocha: each test's full title, as --reporter json gives it; a failing hook under its own title.
// mocha 12 is ESM that mocha itself loads with require(), which hands over { Runner }.
function mochaRunner(exported) {
  const Runner = typeof exported === 'function' ? exported : exported && exported.Runner;
  if (typeof Runner !== 'function') return exported;
  patchRunner(Runner);
  return exported;
}
const patchedRunners = new WeakSet();
function patchRunner(Runner) {
  if (patchedRunners.has(Runner)) return;
  patchedRunners.add(Runner);
  const run = Runner.prototype.run;
  Runner.prototype.run = function () {
    this.on('pass', (t) => record('mocha', t.fullTitle(), 'passed'));
    this.on('fail', (t) => record('mocha', t.fullTitle(), 'failed'));
    this.on('pending', (t) => record('mocha', t.fullTitle(), 'skipped'));
    return run.apply(this, arguments);
  };
}

// jest: the main process adds every file's results to the aggregate (jest 29 and 30).
function jestResult(testResult) {
  const file = rel(testResult.testFilePath);
  for (const t of testResult.testResults || []) {
    const outcome = t.status === 'passed' ? 'passed' : t.status === 'failed' ? 'failed' : 'skipped';
    record('jest', [file, ...(t.ancestorTitles || []), t.title].join(' > '), outcome);
  }
  if (testResult.testExecError && !(testResult.testResults || []).length) record('jest', file, 'failed');
}
function jestTestResult(exported) {
  const addResult = exported.addResult;
  return { ...exported, __esModule: exported.__esModule, addResult(aggregated, testResult) {
    try { jestResult(testResult); } catch { /* judged by exit code */ }
    return addResult.apply(this, arguments);
  } };
}

// jasmine: a reporter on the env as jasmine-core builds it, added again once the runner has
// loaded the helpers (a helper may clear the reporters); only the newest one records.
const instrumented = new WeakSet();
let newest = null;
function addJasmineReporter(env) {
  const reporter = {
    specDone(r) {
      if (reporter === newest) record('jasmine', r.fullName, r.status === 'passed' ? 'passed' : r.status === 'failed' ? 'failed' : 'skipped');
    },
  };
  newest = reporter;
  env.addReporter(reporter);
}
function jasmineEnv(env) {
  if (env && !instrumented.has(env)) {
    instrumented.add(env);
    addJasmineReporter(env);
  }
  return env;
}
function jasmineObject(j) {
  const getEnv = j && j.getEnv;
  if (typeof getEnv !== 'function' || instrumented.has(j)) return;
  instrumented.add(j);
  // jasmine-core 6+ builds its env as it loads and freezes getEnv; 4 and 5 build it on the first call.
  if (Object.getOwnPropertyDescriptor(j, 'getEnv')?.writable === false) jasmineEnv(j.getEnv());
  else j.getEnv = function () { return jasmineEnv(getEnv.apply(this, arguments)); };
}
function jasmineCore(exported) {
  if (exported.jasmine) jasmineObject(exported.jasmine);
  for (const k of ['boot', 'noGlobals']) {
    const f = exported[k];
    if (typeof f === 'function') exported[k] = function () {
      const r = f.apply(this, arguments);
      jasmineObject(r && r.getEnv ? r : r && r.jasmine);
      return r;
    };
  }
  return exported;
}
function jasmineRunner(Jasmine) {
  const loadHelpers = Jasmine.prototype && Jasmine.prototype.loadHelpers;
  if (typeof loadHelpers === 'function') Jasmine.prototype.loadHelpers = async function () {
    const r = await loadHelpers.apply(this, arguments);
    if (this.env && instrumented.has(this.env)) addJasmineReporter(this.env);
    return r;
  };
  return Jasmine;
}

/** Which module to patch, by the file it resolves to. */
const PATCHES = [
  [/[\\/]mocha[\\/]lib[\\/]runner\.js$/, mochaRunner],
  [/[\\/]@jest[\\/]test-result[\\/]build[\\/]index\.js$/, jestTestResult],
  [/[\\/]jasmine-core[\\/]lib[\\/]jasmine-core\.js$/, jasmineCore],
  [/[\\/]jasmine[\\/]lib[\\/]jasmine\.js$/, jasmineRunner],
];

if (dir) {
  const load = Module._load;
  const patched = new Map();
  Module._load = function (request, parent, isMain) {
    const exported = load.apply(this, arguments);
    if (patched.has(exported)) return patched.get(exported);
    try {
      const file = Module._resolveFilename(request, parent, isMain);
      const hit = PATCHES.find(([re]) => re.test(file));
      if (hit) {
        const result = hit[1](exported);
        patched.set(exported, result);
        patched.set(result, result);
        return result;
      }
    } catch { /* not a runner */ }
    return exported;
  };
}

module.exports = { record, rel };
`;
