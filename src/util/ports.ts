import { createServer } from 'node:net';
import { ServiceUnavailable } from '../errors.js';

/** Resolves true when nothing listens on 127.0.0.1:port. */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** Fails with a message naming the port and the setting that moves it. */
export async function assertPortFree(port: number, service: string, setting: string): Promise<void> {
  if (!(await isPortFree(port))) {
    throw new ServiceUnavailable(`port ${port} (${service}) is already in use by another program; stop it or choose another port with ${setting}=<port>`);
  }
}

/** A port the OS says is free right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1' }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
