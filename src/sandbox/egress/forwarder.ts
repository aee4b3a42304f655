/** Where the forwarder listens inside the sandbox's own network namespace. */
export const FORWARDER_PORT = 3128;
/** Where the host's egress socket and the forwarder script appear inside the sandbox. */
export const EGRESS_DIR = '/run/globallm';
export const EGRESS_SOCKET = `${EGRESS_DIR}/egress.sock`;
export const FORWARDER_SCRIPT = `${EGRESS_DIR}/forwarder.cjs`;

/**
 * The program that runs first inside a network-enabled sandbox. The sandbox has a network
 * namespace of its own (loopback only); this listens on its loopback and carries each
 * connection to the host's egress proxy through a Unix socket bound into the sandbox — the
 * only way out. Then it runs the real command with the proxy settings and exits as it does.
 * Written to a file per run (plain CommonJS, no dependencies) so it needs nothing installed.
 */
export const FORWARDER_SOURCE = `'use strict';
const net = require('node:net');
const { spawn } = require('node:child_process');
const argv = process.argv.slice(process.argv.indexOf('--') + 1);
const server = net.createServer((client) => {
  const upstream = net.connect(${JSON.stringify(EGRESS_SOCKET)});
  client.pipe(upstream).pipe(client);
  const end = () => { client.destroy(); upstream.destroy(); };
  client.on('error', end);
  upstream.on('error', end);
});
server.listen(${FORWARDER_PORT}, '127.0.0.1', () => {
  const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' });
  child.on('error', (e) => { process.stderr.write('cannot start ' + argv[0] + ': ' + e.message + '\\n'); process.exit(127); });
  child.on('exit', (code, signal) => {
    server.close();
    if (signal) process.kill(process.pid, signal);
    process.exit(code === null ? 1 : code);
  });
});
`;

/** Proxy settings every common installer honours (npm, pip, uv, go, cargo, curl). */
export function proxyEnv(): Record<string, string> {
  const url = `http://127.0.0.1:${FORWARDER_PORT}`;
  return { HTTP_PROXY: url, HTTPS_PROXY: url, http_proxy: url, https_proxy: url, NO_PROXY: '', no_proxy: '' };
}
