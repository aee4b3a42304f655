/**
 * Hooks that make test runners write machine-readable results, whatever script starts them.
 * They are our code, mounted read-only into the sandbox at HOOKS_DIR; results land as JSON
 * lines (`{"name","outcome"}`) or report files in RESULTS_DIR, a writable mount read after
 * the run. Nothing here is chosen by the repository.
 */
export const HOOKS_DIR = '/env/hooks';
export const RESULTS_DIR = '/env/results';

/**
 * Mocha: patches `Runner.prototype.run` when mocha's runner module loads, and records every
 * test's full title (the same as `--reporter json`'s `fullTitle`) as it passes, fails or is
 * skipped. A failing hook is recorded under its own title. Works for every mocha started by
 * any npm script, chained or not.
 */
export const MOCHA_HOOK = `'use strict';
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.GLOBALLM_RESULTS_DIR;
if (dir) {
  const file = path.join(dir, 'mocha-' + process.pid + '.jsonl');
  const write = (name, outcome) => { try { fs.appendFileSync(file, JSON.stringify({ name, outcome }) + '\\n'); } catch (e) { /* results are best effort */ } };
  const load = Module._load;
  const patched = new WeakSet();
  Module._load = function (request, parent, isMain) {
    const exported = load.apply(this, arguments);
    try {
      if (typeof exported === 'function' && !patched.has(exported) && /[\\\\/]mocha[\\\\/]lib[\\\\/]runner(\\.js)?$/.test(Module._resolveFilename(request, parent, isMain))) {
        patched.add(exported);
        const run = exported.prototype.run;
        exported.prototype.run = function () {
          this.on('pass', (t) => write(t.fullTitle(), 'passed'));
          this.on('fail', (t) => write(t.fullTitle(), 'failed'));
          this.on('pending', (t) => write(t.fullTitle(), 'skipped'));
          return run.apply(this, arguments);
        };
      }
    } catch (e) { /* not mocha */ }
    return exported;
  };
}
`;

/** Environment for a test run: the hooks and where results go. */
export function reportEnv(): Record<string, string> {
  return {
    NODE_OPTIONS: `--require ${HOOKS_DIR}/mocha.cjs`,
    GLOBALLM_RESULTS_DIR: RESULTS_DIR,
    // pytest: a JUnit report whose entries carry their file, so ids read as node ids.
    PYTEST_ADDOPTS: `--junitxml=${RESULTS_DIR}/pytest.xml -o junit_family=xunit1 -p no:cacheprovider`,
  };
}
