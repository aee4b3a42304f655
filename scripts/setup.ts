// `npm run setup`: installs what npm cannot — the pinned Temporal CLI into .tools/ and, when
// running as root on Debian/Ubuntu, the system packages (bubblewrap and git for the sandbox,
// setfacl for PostgreSQL in a private folder, chromium for the report's browser test).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { installTemporalBinary, resolveTemporalBinary } from '../src/stack/temporal-binary.js';
import { projectRoot } from '../src/util/project-root.js';

const say = (line: string): void => { process.stdout.write(`setup: ${line}\n`); };

let temporal: string;
try {
  temporal = resolveTemporalBinary({ TEMPORAL_CLI_PATH: process.env['TEMPORAL_CLI_PATH'], PATH: process.env['PATH'] });
  say(`temporal CLI found at ${temporal}`);
} catch {
  try {
    temporal = installTemporalBinary(say);
    say(`temporal CLI installed at ${temporal}`);
  } catch (err) {
    process.stderr.write(`setup: ${(err as Error).message}\n`);
    process.exit(1);
  }
}

const systemScript = join(projectRoot, 'scripts', 'install-system-deps.sh');
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const missing = ['bwrap', 'git', 'setfacl', 'chromium'].filter((c) => !has(c));
if (missing.length > 0) {
  if (process.getuid?.() === 0 && has('apt-get') && existsSync(systemScript)) {
    say(`installing system packages for: ${missing.join(', ')}`);
    const r = spawnSync('bash', [systemScript], { stdio: 'inherit' });
    if (r.status !== 0) {
      process.stderr.write('setup: installing system packages failed\n');
      process.exit(1);
    }
  } else {
    say(`missing system commands: ${missing.join(', ')} — install the packages bubblewrap, git, acl and chromium with your system's package manager`);
  }
}
say('done');
