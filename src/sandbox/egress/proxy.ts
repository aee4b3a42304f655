import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createProxy, type ProxyServer } from 'proxy';
import { logger } from '../../log.js';

const log = logger.child({ component: 'egress' });

/** A CONNECT (or plain HTTP) target, split into host and port; null when it cannot be read. */
export function targetOf(req: Pick<http.IncomingMessage, 'method' | 'url'>): { host: string; port: number } | null {
  const raw = req.url ?? '';
  try {
    if (req.method === 'CONNECT') {
      const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(raw);
      return m ? { host: m[1]!.toLowerCase(), port: Number(m[2]) } : null;
    }
    const u = new URL(raw);
    return { host: u.hostname.toLowerCase(), port: Number(u.port || (u.protocol === 'https:' ? 443 : 80)) };
  } catch {
    return null;
  }
}

/** Exact host names only (no wildcards, no addresses), on the TLS port — or 80 for plain HTTP indexes. */
export function allowed(target: { host: string; port: number } | null, hosts: ReadonlySet<string>, method: string | undefined): boolean {
  if (!target || !hosts.has(target.host)) return false;
  return method === 'CONNECT' ? target.port === 443 : target.port === 80 || target.port === 443;
}

export interface EgressProxy {
  /** Host path of the Unix socket to bind into sandboxes. */
  socketPath: string;
  /** Targets refused so far, for reports. */
  refused(): string[];
  close(): Promise<void>;
}

/**
 * The host side of "network only to the package registries": an HTTP proxy (the `proxy`
 * package) on a Unix socket that only sandboxes can reach, letting through connections to an
 * allow-list of registry host names and refusing everything else — the host's loopback
 * services (Temporal, PostgreSQL, stand-ins) included, since those are never on the list.
 */
export async function startEgressProxy(opts: { hosts: readonly string[]; uid: number; gid: number }): Promise<EgressProxy> {
  const hosts = new Set(opts.hosts.map((h) => h.toLowerCase()));
  const dir = await mkdtemp(path.join(tmpdir(), `globallm-egress-${process.pid}-`));
  await chmod(dir, 0o711);
  const socketPath = path.join(dir, 'egress.sock');
  const refusals: string[] = [];
  const server: ProxyServer = createProxy(http.createServer());
  server.authenticate = (req) => {
    const t = targetOf(req);
    const ok = allowed(t, hosts, req.method);
    if (!ok) {
      const what = `${req.method ?? '?'} ${String(req.url).slice(0, 200)}`;
      if (refusals.length < 100) refusals.push(what);
      log.warn({ target: what }, 'egress refused: not a package registry');
    }
    return ok;
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  // The proxy serves runs while they last; it never keeps the process alive by itself.
  server.unref();
  await chown(socketPath, opts.uid, opts.gid);
  await chmod(socketPath, 0o600);
  return {
    socketPath,
    refused: () => [...refusals],
    async close() {
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections?.(); });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
