import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { logger } from '../log.js';
import { pidAlive } from '../util/pid-alive.js';
import { execCommand } from '../util/spawn/commands.js';

const log = logger.child({ component: 'env-cache' });

const Meta = z.object({ key: z.string(), repo: z.string(), createdAt: z.string(), lastUsedAt: z.string(), sizeMb: z.number() });
type Meta = z.infer<typeof Meta>;

/** Entries used this recently are never evicted: a test run may have them mounted. */
const IN_USE_MS = 60 * 60 * 1000;

async function sizeMb(dir: string): Promise<number> {
  try {
    const { stdout } = await execCommand('du', ['-sxm', '--', dir], { timeoutMs: 120_000 });
    return Number(stdout.split(/\s/)[0] ?? 0);
  } catch {
    return 0;
  }
}


/**
 * Prepared environments on disk, one folder per key: `<root>/<key>/` with `meta.json`. A new
 * entry is built in `<key>.tmp-<pid>-<n>` and renamed into place, so readers never see half an
 * install. The total size is bounded: least recently used entries go first, never one used
 * within the last hour.
 */
export class EnvironmentCache {
  private n = 0;
  constructor(readonly root: string, readonly maxMb: number) {}

  entry(key: string): string {
    return path.join(this.root, key);
  }

  /** The entry's folder when it exists (and marks it used), else null. */
  async lookup(key: string): Promise<string | null> {
    const dir = this.entry(key);
    try {
      const meta = Meta.parse(JSON.parse(await readFile(path.join(dir, 'meta.json'), 'utf8')));
      await writeFile(path.join(dir, 'meta.json'), JSON.stringify({ ...meta, lastUsedAt: new Date().toISOString() }));
      return dir;
    } catch {
      return null;
    }
  }

  /** A fresh staging folder for building `key`. */
  async stage(key: string): Promise<string> {
    await mkdir(this.root, { recursive: true, mode: 0o711 });
    await this.checkReachable();
    const dir = path.join(this.root, `${key}.tmp-${process.pid}-${++this.n}`);
    await mkdir(dir, { mode: 0o755 });
    return dir;
  }

  /** The sandbox's unprivileged user must be able to pass through every folder above the cache. */
  private async checkReachable(): Promise<void> {
    let dir = path.resolve(this.root);
    while (dir !== path.dirname(dir)) {
      const st = await stat(dir);
      if ((st.mode & 0o001) === 0) throw new UsageError(`the environment cache ${this.root} is not reachable by the sandbox's unprivileged user: ${dir} is not traversable by others (set GLOBALLM_ENV_CACHE_DIR to a folder outside any private home, e.g. /var/tmp/globallm-envs)`);
      dir = path.dirname(dir);
    }
  }

  /** Moves a finished staging folder into place (a concurrent builder may have won: then it is dropped). */
  async commit(key: string, repo: string, staged: string): Promise<string> {
    const now = new Date().toISOString();
    const meta: Meta = { key, repo, createdAt: now, lastUsedAt: now, sizeMb: await sizeMb(staged) };
    await writeFile(path.join(staged, 'meta.json'), JSON.stringify(meta));
    const dest = this.entry(key);
    try {
      await rename(staged, dest);
    } catch {
      await rm(staged, { recursive: true, force: true });
    }
    await this.evict(key);
    return dest;
  }

  async discard(staged: string): Promise<void> {
    await rm(staged, { recursive: true, force: true });
  }

  /** Entries with their metadata, oldest use first. */
  async list(): Promise<Array<Meta & { dir: string }>> {
    const out: Array<Meta & { dir: string }> = [];
    for (const name of await readdir(this.root).catch(() => [] as string[])) {
      if (name.includes('.tmp-')) continue;
      try {
        const meta = Meta.parse(JSON.parse(await readFile(path.join(this.root, name, 'meta.json'), 'utf8')));
        out.push({ ...meta, dir: path.join(this.root, name) });
      } catch {
        // not an entry
      }
    }
    return out.sort((a, b) => a.lastUsedAt.localeCompare(b.lastUsedAt));
  }

  /** Removes least recently used entries until the cache fits `maxMb` (never `keep` or one in use). */
  async evict(keep?: string): Promise<string[]> {
    const entries = await this.list();
    let total = entries.reduce((s, e) => s + e.sizeMb, 0);
    const removed: string[] = [];
    for (const e of entries) {
      if (total <= this.maxMb) break;
      if (e.key === keep || Date.now() - Date.parse(e.lastUsedAt) < IN_USE_MS) continue;
      await rm(e.dir, { recursive: true, force: true });
      total -= e.sizeMb;
      removed.push(e.key);
      log.info({ key: e.key, sizeMb: e.sizeMb }, 'evicted a prepared environment');
    }
    return removed;
  }

  /** Removes staging folders whose builder process is gone. */
  async sweep(): Promise<number> {
    let n = 0;
    for (const name of await readdir(this.root).catch(() => [] as string[])) {
      const m = /\.tmp-(\d+)-\d+$/.exec(name);
      if (!m || pidAlive(Number(m[1]))) continue;
      const dir = path.join(this.root, name);
      if ((await stat(dir).catch(() => null))?.isDirectory()) {
        await rm(dir, { recursive: true, force: true });
        n++;
      }
    }
    return n;
  }
}
