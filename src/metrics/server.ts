import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import { logger } from '../log.js';

const log = logger.child({ component: 'metrics' });

export interface MetricsServer { url: string; close(): Promise<void> }

/** The Temporal SDK's own metrics, appended when its exporter answers. */
async function temporalMetrics(url: string | undefined): Promise<string> {
  if (!url) return '';
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? `\n${await res.text()}` : '';
  } catch {
    return '';
  }
}

/** Serves `GET /metrics` (Prometheus text format): this worker's registry plus the Temporal SDK's runtime metrics. */
export async function startMetricsServer(registry: Registry, opts: { host: string; port: number; temporalMetricsUrl: string | undefined }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    Promise.all([registry.metrics(), temporalMetrics(opts.temporalMetricsUrl)]).then(([ours, temporal]) => {
      res.writeHead(200, { 'content-type': registry.contentType }).end(ours + temporal);
    }, (err: unknown) => {
      log.warn({ err: (err as Error).message }, 'metrics could not be collected');
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // Bound to every interface: the URL names this host, as others on its network reach it.
  const host = opts.host === '0.0.0.0' || opts.host === '::' ? hostname() : opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return { url: `http://${host}:${port}/metrics`, close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}
