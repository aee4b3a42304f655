import { lstat, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { detectRepoModel } from '../repo-model/detect.js';
import { PackageJson } from '../repo-model/schema.js';
import { EnvironmentPlan, type InstallStep, type Manager, type ToolchainNote } from './schema.js';
import { note, toolchainVersion } from './toolchain.js';

/** Inside the sandbox, a prepared environment outside the worktree lives here. */
export const ENV_ROOT = '/env/prepared';
const VENV = `${ENV_ROOT}/venv`;
/** Where a test run's own copy of the Go build cache appears. */
const GO_CACHE = '/env/gocache';

const MAX_BYTES = 1_000_000;

async function readSmall(root: string, rel: string): Promise<string | null> {
  try {
    const p = path.join(root, rel);
    const st = await lstat(p);
    if (!st.isFile() || st.size > MAX_BYTES) return null;
    return await readFile(p, 'utf8');
  } catch {
    return null;
  }
}

const PyProject = z.object({
  project: z.object({ 'requires-python': z.string().optional(), 'optional-dependencies': z.record(z.string(), z.unknown()).optional() }).loose().optional(),
  tool: z.record(z.string(), z.unknown()).optional(),
}).loose();

const TEST_EXTRAS = ['test', 'tests', 'testing', 'dev'];

function nodePlan(files: Set<string>, pkg: PackageJson, manager: Manager): { steps: InstallStep[]; keyFiles: string[] } {
  const common = ['--ignore-scripts'];
  const keyFiles = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', '.npmrc', '.yarnrc', '.yarnrc.yml'].filter((f) => files.has(f));
  const corepack = { COREPACK_HOME: `${ENV_ROOT}/corepack`, COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' };
  if (manager === 'pnpm') return { keyFiles, steps: [{ argv: ['corepack', 'pnpm', 'install', '--frozen-lockfile', ...common], env: corepack }] };
  if (manager === 'yarn') return { keyFiles, steps: [{ argv: ['corepack', 'yarn', 'install', '--frozen-lockfile', ...common], env: corepack }] };
  const lock = files.has('package-lock.json') || files.has('npm-shrinkwrap.json');
  void pkg;
  const install = ['npm', 'install', ...common, '--no-audit', '--no-fund', '--no-package-lock'];
  // `npm ci` refuses a lockfile out of step with package.json; a plain install (lockfile honoured where it can be) is what the project's own docs would do.
  return { keyFiles, steps: [lock ? { argv: ['npm', 'ci', ...common, '--no-audit', '--no-fund'], env: {}, fallback: install } : { argv: install, env: {} }] };
}

async function pythonPlan(root: string, files: Set<string>, usesPytest: boolean): Promise<{ steps: InstallStep[]; keyFiles: string[]; manager: Manager; requiresPython: string | null }> {
  const pip = [`${VENV}/bin/python`, '-m', 'pip', 'install', '--disable-pip-version-check', '--no-input'];
  const reqFiles = [...files].filter((f) => /^(requirements|test-requirements|dev-requirements)[\w.-]*\.txt$/.test(f)).sort();
  const steps: InstallStep[] = [{ argv: ['/usr/bin/python3', '-m', 'venv', VENV], env: {} }];
  for (const f of reqFiles) steps.push({ argv: [...pip, '-r', f], env: {} });
  const pyText = files.has('pyproject.toml') ? await readSmall(root, 'pyproject.toml') : null;
  let extras: string[] = [];
  let requiresPython: string | null = null;
  if (pyText !== null) {
    const { parse: parseToml } = await import('smol-toml');
    try {
      const py = PyProject.parse(parseToml(pyText));
      extras = Object.keys(py.project?.['optional-dependencies'] ?? {}).filter((e) => TEST_EXTRAS.includes(e));
      requiresPython = py.project?.['requires-python'] ?? null;
    } catch {
      // an unreadable pyproject is installed as it is; pip will say what is wrong
    }
  }
  if (files.has('pyproject.toml') || files.has('setup.py')) steps.push({ argv: [...pip, '-e', extras.length > 0 ? `.[${extras.join(',')}]` : '.'], env: {} });
  if (usesPytest) steps.push({ argv: [...pip, 'pytest'], env: {} });
  const manager: Manager = files.has('uv.lock') ? 'uv' : files.has('poetry.lock') ? 'poetry' : files.has('pdm.lock') ? 'pdm' : 'pip';
  const keyFiles = [...reqFiles, 'pyproject.toml', 'setup.py', 'setup.cfg', 'uv.lock', 'poetry.lock', 'pdm.lock', '.python-version'].filter((f) => files.has(f));
  return { steps, keyFiles, manager, requiresPython };
}

/**
 * Decides how a repository's dependencies are installed, from its files alone: the ecosystem,
 * the package manager, the install steps (from a fixed table), the files whose bytes key the
 * cache, and the toolchain it asks for against what this machine has.
 */
export async function planEnvironment(root: string): Promise<EnvironmentPlan> {
  const files = new Set(await readdir(root).catch(() => [] as string[]));
  const model = await detectRepoModel(root);
  const toolchain: ToolchainNote[] = [];

  if (model.languages.includes('javascript') && files.has('package.json')) {
    const pkg = PackageJson.safeParse(JSON.parse((await readSmall(root, 'package.json')) ?? '{}'));
    const data = pkg.success ? pkg.data : {};
    const manager: Manager = model.packageManager === 'pnpm' || model.packageManager === 'yarn' ? model.packageManager : 'npm';
    const nvmrc = (await readSmall(root, '.nvmrc'))?.trim() || (await readSmall(root, '.node-version'))?.trim() || null;
    const engines = z.object({ engines: z.object({ node: z.string() }).partial().optional() }).loose().safeParse(JSON.parse((await readSmall(root, 'package.json')) ?? '{}'));
    const requested = nvmrc ?? (engines.success ? engines.data.engines?.node ?? null : null);
    toolchain.push(note('node', requested, nvmrc ? (files.has('.nvmrc') ? '.nvmrc' : '.node-version') : requested ? 'package.json#engines.node' : null, await toolchainVersion('node')));
    const { steps, keyFiles } = nodePlan(files, data, manager);
    return EnvironmentPlan.parse({
      ecosystem: 'node', manager, keyFiles: [...keyFiles, ...(nvmrc ? ['.nvmrc'] : [])], steps, layout: 'node_modules',
      testEnv: {}, toolchain,
    });
  }
  if (model.languages.includes('python')) {
    const py = await pythonPlan(root, files, model.testFramework === 'pytest');
    const pin = (await readSmall(root, '.python-version'))?.trim() || null;
    toolchain.push(note('python', pin ?? py.requiresPython, pin ? '.python-version' : py.requiresPython ? 'pyproject.toml#project.requires-python' : null, await toolchainVersion('python')));
    return EnvironmentPlan.parse({
      ecosystem: 'python', manager: py.manager, keyFiles: py.keyFiles, steps: py.steps, layout: 'env-root',
      testEnv: { VIRTUAL_ENV: VENV, PYTHONDONTWRITEBYTECODE: '1' }, pathPrepend: [`${VENV}/bin`], toolchain,
    });
  }
  if (model.languages.includes('go')) {
    const gomod = (await readSmall(root, 'go.mod')) ?? '';
    const directive = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(gomod)?.[1] ?? null;
    toolchain.push(note('go', directive ? `>=${directive}` : null, directive ? 'go.mod#go' : null, await toolchainVersion('go')));
    const goEnv = { GOMODCACHE: `${ENV_ROOT}/gomod`, GOPATH: `${ENV_ROOT}/gopath`, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
    // The build cache is warmed once here (the standard library and the dependencies, compiled
    // for the tests); every test run starts from its own copy of it instead of compiling anew.
    const warm = { ...goEnv, GOCACHE: `${ENV_ROOT}/gocache`, GOPROXY: 'off', GONOSUMDB: '*' };
    return EnvironmentPlan.parse({
      ecosystem: 'go', manager: 'go', keyFiles: ['go.mod', 'go.sum'].filter((f) => files.has(f)),
      steps: [
        { argv: ['go', 'mod', 'download', 'all'], env: { ...goEnv, GOCACHE: `${ENV_ROOT}/gocache`, GOPROXY: process.env['GOPROXY'] ?? 'https://proxy.golang.org' } },
        { argv: ['go', 'test', '-count=1', '-run', '^$', './...'], env: warm, optional: true },
      ],
      layout: 'env-root', testEnv: { ...goEnv, GOCACHE: GO_CACHE, GOPROXY: 'off', GONOSUMDB: '*' }, toolchain,
      seeds: [{ from: 'gocache', to: GO_CACHE }],
    });
  }
  if (model.languages.includes('rust')) {
    const pin = (await readSmall(root, 'rust-toolchain'))?.trim() || /channel\s*=\s*"([^"]+)"/.exec((await readSmall(root, 'rust-toolchain.toml')) ?? '')?.[1] || null;
    toolchain.push(note('rust', pin, pin ? 'rust-toolchain' : null, await toolchainVersion('rust')));
    const cargoEnv = { CARGO_HOME: `${ENV_ROOT}/cargo` };
    return EnvironmentPlan.parse({
      ecosystem: 'rust', manager: 'cargo', keyFiles: ['Cargo.toml', 'Cargo.lock', 'rust-toolchain', 'rust-toolchain.toml'].filter((f) => files.has(f)),
      steps: [{ argv: ['cargo', 'fetch'], env: cargoEnv }], layout: 'env-root', testEnv: { ...cargoEnv, CARGO_NET_OFFLINE: 'true' }, toolchain,
    });
  }
  if (model.languages.includes('java')) {
    toolchain.push(note('java', null, null, await toolchainVersion('java')));
    const maven = files.has('pom.xml');
    const repo = `-Dmaven.repo.local=${ENV_ROOT}/m2`;
    return EnvironmentPlan.parse({
      ecosystem: 'java', manager: maven ? 'maven' : 'gradle', keyFiles: ['pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle', 'gradle.properties'].filter((f) => files.has(f)),
      steps: maven ? [{ argv: ['mvn', '-B', '-q', repo, '-s', `${ENV_ROOT}/settings.xml`, 'dependency:go-offline'], env: {} }] : [],
      layout: 'env-root', testEnv: { MAVEN_OPTS: repo }, toolchain,
    });
  }
  return EnvironmentPlan.parse({ ecosystem: 'none', manager: 'none', keyFiles: [], steps: [], layout: 'none', testEnv: {}, toolchain });
}
