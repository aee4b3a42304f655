import { lstat, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { logger } from '../log.js';
import { PackageJson, RepoModel, type Language, type PackageManager, type RepoCommand, type TestFramework } from './schema.js';

const log = logger.child({ component: 'repo-model' });

/** Files larger than this are not parsed: a repository is untrusted input. */
const MAX_FILE_BYTES = 1_000_000;
const NPM_DEFAULT_TEST = /no test specified/;

/** Reads a regular file (never through a symlink) inside `root`; null when absent or unsuitable. */
async function readSmall(root: string, rel: string): Promise<string | null> {
  const p = path.join(root, rel);
  try {
    const st = await lstat(p);
    if (!st.isFile() || st.size > MAX_FILE_BYTES) return null;
    return await readFile(p, 'utf8');
  } catch {
    return null;
  }
}

async function isDir(root: string, rel: string): Promise<boolean> {
  try {
    return (await lstat(path.join(root, rel))).isDirectory();
  } catch {
    return false;
  }
}

async function listTop(root: string): Promise<string[]> {
  try {
    return await readdir(root);
  } catch {
    return [];
  }
}

function cmd(argv: string[], source: string, network = false): RepoCommand {
  return { argv, network, source };
}

function jsManager(files: Set<string>, pkg: PackageJson): PackageManager {
  if (files.has('pnpm-lock.yaml') || pkg.packageManager?.startsWith('pnpm@')) return 'pnpm';
  if (files.has('yarn.lock') || pkg.packageManager?.startsWith('yarn@')) return 'yarn';
  return 'npm';
}

function jsFramework(pkg: PackageJson): TestFramework {
  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const test = pkg.scripts?.['test'] ?? '';
  if (/\bnode\b[^&|;]*--test\b/.test(test)) return 'node-test';
  if ('vitest' in deps || /\bvitest\b/.test(test)) return 'vitest';
  if ('jest' in deps || /\bjest\b/.test(test)) return 'jest';
  if ('mocha' in deps || /\bmocha\b/.test(test)) return 'mocha';
  return 'npm-script';
}

/**
 * Works out how a repository installs, builds, lints and tests — by reading files, never by
 * running them. Every command comes from a fixed table. A package.json script is run by name
 * (`npm test`, `npm run lint`): its text is the repository's own and runs only inside the
 * sandbox, which is what contains it; we never put repository text into a shell of ours.
 */
export async function detectRepoModel(root: string): Promise<RepoModel> {
  const top = new Set(await listTop(root));
  const languages = new Set<Language>();
  const evidence: string[] = [];
  const commands: RepoModel['commands'] = {};
  let packageManager: PackageManager | null = null;
  let testFramework: TestFramework = 'unknown';
  const setTest = (c: RepoCommand, fw: TestFramework): void => {
    if (!commands.test) {
      commands.test = c;
      testFramework = fw;
    }
  };

  // JavaScript / TypeScript
  const pkgText = top.has('package.json') ? await readSmall(root, 'package.json') : null;
  if (pkgText !== null) {
    let pkg: PackageJson | null = null;
    try {
      const parsed = PackageJson.safeParse(JSON.parse(pkgText));
      if (parsed.success) pkg = parsed.data;
      else log.warn({ issues: parsed.error.issues.length }, 'package.json has an unexpected shape');
    } catch {
      log.warn('package.json is not valid JSON');
    }
    if (pkg) {
      evidence.push('package.json');
      languages.add('javascript');
      const deps = { ...pkg.dependencies, ...pkg.devDependencies };
      if (top.has('tsconfig.json') || 'typescript' in deps) languages.add('typescript');
      const pm = jsManager(top, pkg);
      packageManager = pm;
      const lock = pm === 'pnpm' ? 'pnpm-lock.yaml' : pm === 'yarn' ? 'yarn.lock' : top.has('package-lock.json') ? 'package-lock.json' : 'package.json';
      commands.install = pm === 'npm'
        ? cmd(top.has('package-lock.json') ? ['npm', 'ci', '--ignore-scripts'] : ['npm', 'install', '--ignore-scripts'], lock, true)
        : pm === 'pnpm' ? cmd(['pnpm', 'install', '--frozen-lockfile', '--ignore-scripts'], lock, true)
          : cmd(['yarn', 'install', '--frozen-lockfile', '--ignore-scripts'], lock, true);
      const scripts = pkg.scripts ?? {};
      const run = (name: string): string[] => (pm === 'npm' ? ['npm', 'run', '--silent', name] : [pm, 'run', name]);
      if (scripts['test'] && !NPM_DEFAULT_TEST.test(scripts['test'])) setTest(cmd(pm === 'npm' ? ['npm', 'test'] : [pm, 'test'], 'package.json#scripts.test'), jsFramework(pkg));
      if (scripts['build']) commands.build = cmd(run('build'), 'package.json#scripts.build');
      if (scripts['lint']) commands.lint = cmd(run('lint'), 'package.json#scripts.lint');
      if (scripts['typecheck']) commands.typecheck = cmd(run('typecheck'), 'package.json#scripts.typecheck');
      else if (top.has('tsconfig.json') && 'typescript' in deps) commands.typecheck = cmd(['npx', '--no-install', 'tsc', '--noEmit'], 'tsconfig.json');
    }
  }

  // Python
  const pyproject = top.has('pyproject.toml') ? await readSmall(root, 'pyproject.toml') : null;
  const setupCfg = top.has('setup.cfg') ? await readSmall(root, 'setup.cfg') : null;
  const toxIni = top.has('tox.ini') ? await readSmall(root, 'tox.ini') : null;
  const pytestMarkers: string[] = [];
  if (pyproject !== null && /^\[tool\.pytest(\.ini_options)?\]/m.test(pyproject)) pytestMarkers.push('pyproject.toml');
  if (top.has('pytest.ini')) pytestMarkers.push('pytest.ini');
  if (toxIni !== null && /^\[pytest\]/m.test(toxIni)) pytestMarkers.push('tox.ini');
  if (setupCfg !== null && /^\[tool:pytest\]/m.test(setupCfg)) pytestMarkers.push('setup.cfg');
  if (top.has('conftest.py')) pytestMarkers.push('conftest.py');
  const hasPyTests = (await isDir(root, 'tests')) && (await listTop(path.join(root, 'tests'))).some((f) => f.endsWith('.py'));
  const isPython = pyproject !== null || setupCfg !== null || top.has('setup.py') || top.has('requirements.txt') || pytestMarkers.length > 0 || hasPyTests;
  if (isPython) {
    languages.add('python');
    evidence.push(...['pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt'].filter((f) => top.has(f)));
    packageManager ??= 'pip';
    if (top.has('requirements.txt')) commands.install ??= cmd(['python3', '-m', 'pip', 'install', '-r', 'requirements.txt'], 'requirements.txt', true);
    else if (pyproject !== null || top.has('setup.py')) commands.install ??= cmd(['python3', '-m', 'pip', 'install', '-e', '.'], pyproject !== null ? 'pyproject.toml' : 'setup.py', true);
    if (pytestMarkers.length > 0 || hasPyTests) {
      evidence.push(...pytestMarkers);
      setTest(cmd(['python3', '-m', 'pytest', '-q', '-rA', '-p', 'no:cacheprovider'], pytestMarkers[0] ?? 'tests/'), 'pytest');
    }
    if (pyproject !== null && /^\[tool\.ruff/m.test(pyproject)) commands.lint ??= cmd(['python3', '-m', 'ruff', 'check', '.'], 'pyproject.toml');
  }

  // Go
  if (top.has('go.mod')) {
    languages.add('go');
    evidence.push('go.mod');
    packageManager ??= 'go';
    commands.install ??= cmd(['go', 'mod', 'download'], 'go.mod', true);
    commands.build ??= cmd(['go', 'build', './...'], 'go.mod');
    commands.lint ??= cmd(['go', 'vet', './...'], 'go.mod');
    setTest(cmd(['go', 'test', '-json', './...'], 'go.mod'), 'go-test');
  }

  // Rust
  if (top.has('Cargo.toml')) {
    languages.add('rust');
    evidence.push('Cargo.toml');
    packageManager ??= 'cargo';
    commands.install ??= cmd(['cargo', 'fetch'], 'Cargo.toml', true);
    commands.build ??= cmd(['cargo', 'build', '--offline'], 'Cargo.toml');
    setTest(cmd(['cargo', 'test', '--offline'], 'Cargo.toml'), 'cargo-test');
  }

  // Java
  if (top.has('pom.xml')) {
    languages.add('java');
    evidence.push('pom.xml');
    packageManager ??= 'maven';
    commands.install ??= cmd(['mvn', '-q', 'dependency:go-offline'], 'pom.xml', true);
    setTest(cmd(['mvn', '-q', '-o', 'test'], 'pom.xml'), 'maven');
  } else if (top.has('build.gradle') || top.has('build.gradle.kts')) {
    languages.add('java');
    const f = top.has('build.gradle') ? 'build.gradle' : 'build.gradle.kts';
    evidence.push(f);
    packageManager ??= 'gradle';
    setTest(cmd(['gradle', '--offline', 'test'], f), 'gradle');
  }

  // Makefile with a test target
  const makefile = top.has('Makefile') ? await readSmall(root, 'Makefile') : null;
  if (makefile !== null && /^test\s*:/m.test(makefile)) {
    languages.add('make');
    evidence.push('Makefile');
    setTest(cmd(['make', 'test'], 'Makefile'), 'make');
  }

  return RepoModel.parse({ languages: [...languages], packageManager, testFramework, commands, evidence: [...new Set(evidence)] });
}
