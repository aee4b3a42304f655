import { mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../util/pid-alive.js';
import { ServiceUnavailable } from '../errors.js';

/**
 * One `globallm up` per state directory: a pid file taken with O_EXCL. A lock whose
 * process is gone (killed with SIGKILL) is stale and taken over.
 */
export function acquireStateLock(stateDir: string): { release(): void } {
  mkdirSync(stateDir, { recursive: true });
  const file = join(stateDir, 'up.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return {
        release: () => {
          if (readPid(file) === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readPid(file);
      if (holder !== undefined && holder !== process.pid && pidAlive(holder)) {
        throw new ServiceUnavailable(`globallm up is already running on ${stateDir} (pid ${holder}); stop it first or use another GLOBALLM_STATE_DIR`);
      }
      // Stale: move it aside atomically so only one contender removes it.
      try { renameSync(file, `${file}.stale.${process.pid}`); rmSync(`${file}.stale.${process.pid}`, { force: true }); } catch { /* another contender won */ }
    }
  }
  throw new ServiceUnavailable(`could not take the lock ${file}`);
}

function readPid(file: string): number | undefined {
  try {
    const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}
