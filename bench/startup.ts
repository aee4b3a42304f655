// `npm run bench -- startup [cold_runs] [warm_runs]`: time from `globallm up` to its ready line,
// cold (empty state directory) and warm (existing state), as medians.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../src/util/ports.js';
import { projectRoot } from '../src/util/project-root.js';
import { buildCli } from '../scripts/build-cli.js';

async function timeToReady(stateDir: string): Promise<number> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GLOBALLM_STATE_DIR: stateDir,
    GLOBALLM_PG_PORT: String(await freePort()),
    GLOBALLM_TEMPORAL_PORT: String(await freePort()),
    GLOBALLM_TEMPORAL_UI_PORT: String(await freePort()),
    GLOBALLM_LOG_LEVEL: 'warn',
  };
  delete env['DATABASE_URL'];
  delete env['TEMPORAL_ADDRESS'];
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(projectRoot, 'bin', 'globallm.js'), 'up'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  const seconds = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready')) resolve((performance.now() - t0) / 1000);
    });
    void exited.then((code) => reject(new Error(`globallm up exited with ${code} before ready`)));
  });
  child.kill('SIGTERM');
  await exited;
  return seconds;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

export default async function startup(args: string[]): Promise<void> {
  buildCli(); // `globallm up` runs the compiled CLI
  const coldRuns = Number(args[0] ?? 3);
  const warmRuns = Number(args[1] ?? 5);
  const cold: number[] = [];
  const warm: number[] = [];
  const keep = mkdtempSync(join(tmpdir(), 'globallm-bench-warm-'));
  try {
    for (let i = 0; i < coldRuns; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'globallm-bench-cold-'));
      try { cold.push(await timeToReady(dir)); } finally { rmSync(dir, { recursive: true, force: true }); }
    }
    await timeToReady(keep); // make the warm state
    for (let i = 0; i < warmRuns; i++) warm.push(await timeToReady(keep));
  } finally {
    rmSync(keep, { recursive: true, force: true });
  }
  process.stdout.write(`cold_runs=${coldRuns}\nwarm_runs=${warmRuns}\n`);
  process.stdout.write(`cold_ready_s=${median(cold).toFixed(2)}\nwarm_ready_s=${median(warm).toFixed(2)}\n`);
}
