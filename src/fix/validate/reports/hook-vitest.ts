// The ESM hooks for vitest (3 and later), which Module._load never sees.

/**
 * Loaded with --import in every node process; acts only in the vitest command itself. It
 * registers VITEST_LOAD_HOOK and patches `Vitest.prototype.report` when vitest's own bundle hands
 * it the class, recording each test case as `file > describe > test`.
 */
export const VITEST_HOOK = String.raw`// Records per-test results of vitest (3 and later), loaded with --import in every node process.
// Only the vitest command itself is touched: a module hook hands this file vitest's own Vitest
// class as its bundle loads, and each test case result it reports is recorded.
import { realpathSync } from 'node:fs';
import * as nodeModule from 'node:module';

const KEY = Symbol.for('globallm.vitest');

function isVitestCli() {
  try {
    return /[\\/]vitest[\\/]vitest\.mjs$/.test(realpathSync(process.argv[1] ?? ''));
  } catch {
    return false;
  }
}

function patch(Vitest) {
  const { record, rel } = nodeModule.createRequire(import.meta.url)('./runners.cjs');
  const report = Vitest.prototype.report;
  if (typeof report !== 'function') return;
  Vitest.prototype.report = function (name, entity) {
    try {
      if (name === 'onTestCaseResult') {
        const state = entity.result().state;
        record('vitest', rel(entity.module.moduleId) + ' > ' + entity.fullName, state === 'passed' || state === 'failed' ? state : 'skipped');
      } else if (name === 'onTestModuleEnd' && entity.errors().length > 0) {
        record('vitest', rel(entity.moduleId), 'failed');
      }
    } catch { /* judged by exit code */ }
    return report.apply(this, arguments);
  };
}

// register() needs node 18.19 or 20.6; without it vitest is judged by its output or exit code.
if (process.env.GLOBALLM_RESULTS_DIR && typeof nodeModule.register === 'function' && isVitestCli()) {
  globalThis[KEY] = patch;
  nodeModule.register('./vitest-load.mjs', import.meta.url);
}
`;

/** Module customization hook: appends one line to the vitest bundle that declares `class Vitest`, handing it over. */
export const VITEST_LOAD_HOOK = String.raw`// Module hook: vitest's bundle that declares class Vitest hands it to the recorder as it loads.
const DECLARES = /^class Vitest \{/m;
const IN_VITEST = /[\\/]node_modules[\\/]vitest[\\/]dist[\\/]/;

export async function load(url, context, nextLoad) {
  const loaded = await nextLoad(url, context);
  if (!IN_VITEST.test(url) || loaded.format !== 'module' || loaded.source == null) return loaded;
  const source = typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source);
  if (!DECLARES.test(source)) return loaded;
  return { ...loaded, source: source + '\n;globalThis[Symbol.for("globallm.vitest")]?.(Vitest);\n' };
}
`;
