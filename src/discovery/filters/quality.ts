import type { RepositorySignals } from '../../scoring/signals.js';
import { drop, KEEP, type RepositoryFilter } from './types.js';

const TEST_DIRS = new Set(['test', 'tests', 'spec', 'specs', '__tests__', 'testing', 'test_suite', 'e2e']);
const TEST_FILE = /(_test\.go|_test\.py|^test_.*\.py|\.test\.[cm]?[jt]sx?|\.spec\.[cm]?[jt]sx?|_spec\.rb)$/i;

/** Dependencies that name a test framework, per registry. */
export const TEST_FRAMEWORKS: ReadonlySet<string> = new Set([
  'npm:jest', 'npm:vitest', 'npm:mocha', 'npm:ava', 'npm:tap', 'npm:jasmine', 'npm:uvu', 'npm:@playwright/test', 'npm:cypress', 'npm:karma',
  'pypi:pytest', 'pypi:nose2', 'pypi:tox', 'pypi:nox', 'pypi:hypothesis',
  'rubygems:rspec', 'rubygems:minitest', 'rubygems:rspec-rails',
  'packagist:phpunit/phpunit', 'packagist:pestphp/pest',
  'cargo:proptest', 'cargo:rstest', 'cargo:insta', 'cargo:criterion',
  'go:github.com/stretchr/testify', 'go:github.com/onsi/ginkgo/v2', 'go:github.com/onsi/gomega',
]);

/** Why we believe the repository has tests, or null when nothing says so. */
export function testEvidence(s: Pick<RepositorySignals, 'testsPresent' | 'testFramework' | 'topLevelFiles' | 'manifests'>): string | null {
  if (s.testFramework !== null) return `test framework ${s.testFramework}`;
  const dir = s.topLevelFiles.find((f) => TEST_DIRS.has(f.toLowerCase()));
  if (dir !== undefined) return `top-level ${dir}/`;
  const file = s.topLevelFiles.find((f) => TEST_FILE.test(f));
  if (file !== undefined) return `test file ${file}`;
  for (const m of s.manifests) {
    const dep = m.dependencies.find((d) => TEST_FRAMEWORKS.has(`${d.ecosystem}:${d.name}`));
    if (dep !== undefined) return `${dep.name} in ${m.path}`;
  }
  if (s.testsPresent) return 'test files found in the tree';
  return null;
}

/** Keeps repositories with evidence of a test suite: a fix we cannot test we should not send. */
export const qualityFilter: RepositoryFilter = {
  name: 'quality',
  apply: (s) => (testEvidence(s) === null
    ? drop('quality', 'no tests found (no test/, tests/, spec/, __tests__, *_test.go, nor a test framework in a manifest)')
    : KEEP),
};
