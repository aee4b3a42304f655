import { RUNNERS_HOOK } from './hook-runners.js';
import { VITEST_HOOK, VITEST_LOAD_HOOK } from './hook-vitest.js';

/**
 * Hooks that make test runners write machine-readable results, whatever script starts them.
 * They are our code, mounted read-only into the sandbox at HOOKS_DIR; results land as JSON
 * lines (`{"name","outcome"}`) or report files in RESULTS_DIR, a writable mount read after
 * the run. Nothing here is chosen by the repository.
 */
export const HOOKS_DIR = '/env/hooks';
export const RESULTS_DIR = '/env/results';

/** The hook files, by name in HOOKS_DIR: mocha, jest and jasmine (CommonJS); vitest (ESM). */
export const HOOK_FILES: Readonly<Record<string, string>> = {
  'runners.cjs': RUNNERS_HOOK,
  'vitest.mjs': VITEST_HOOK,
  'vitest-load.mjs': VITEST_LOAD_HOOK,
};

/** Environment for a test run: the hooks and where results go. */
export function reportEnv(): Record<string, string> {
  return {
    NODE_OPTIONS: `--require ${HOOKS_DIR}/runners.cjs --import ${HOOKS_DIR}/vitest.mjs`,
    GLOBALLM_RESULTS_DIR: RESULTS_DIR,
    // pytest: a JUnit report whose entries carry their file, so ids read as node ids.
    PYTEST_ADDOPTS: `--junitxml=${RESULTS_DIR}/pytest.xml -o junit_family=xunit1 -p no:cacheprovider`,
  };
}
