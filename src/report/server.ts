import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../errors.js';
import { logger } from '../log.js';
import { reportHtml, type ReportTarget } from './write.js';

const log = logger.child({ component: 'report' });

export interface ReportServer { url: string; close(): Promise<void> }

/** Serves the report live on loopback: `GET /` (everything) or `GET /?campaign=ID`, collected on each request. */
export async function startReportServer(target: ReportTarget, port: number): Promise<ReportServer> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/') {
      res.writeHead(404).end();
      return;
    }
    reportHtml(target, url.searchParams.get('campaign') ?? undefined).then((html) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
    }, (err: unknown) => {
      if (!(err instanceof UsageError)) log.warn({ err: (err as Error).message }, 'report failed');
      res.writeHead(err instanceof UsageError ? 400 : 500, { 'content-type': 'text/plain; charset=utf-8' }).end((err as Error).message);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((r) => { server.close(() => r()); server.closeAllConnections(); }),
  };
}
