/** Git smart HTTP through `git http-backend` (CGI), so real clone, fetch and push work. */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

export interface GitTarget {
  gitDir: string;
  /** What follows `<owner>/<repo>.git` in the URL, e.g. `/info/refs`. */
  rest: string;
  query: string;
  remoteUser: string;
}

const GIT_PATH = /^\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)\.git(\/(?:info\/refs|git-upload-pack|git-receive-pack|HEAD|objects\/.*))$/;

export function parseGitPath(pathname: string): { owner: string; repo: string; rest: string } | null {
  const m = GIT_PATH.exec(pathname);
  if (!m || !m[1] || !m[2] || !m[3]) return null;
  return { owner: m[1], repo: m[2], rest: m[3] };
}

export function isPush(rest: string, query: string): boolean {
  return rest === '/git-receive-pack' || (rest === '/info/refs' && /(?:^|&)service=git-receive-pack(?:&|$)/.test(query));
}

/** Runs http-backend for one request and streams its answer; resolves with the CGI status. */
export function serveGit(req: IncomingMessage, res: ServerResponse, t: GitTarget): Promise<number> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: path.dirname(t.gitDir),
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${path.basename(t.gitDir)}${t.rest}`,
      QUERY_STRING: t.query,
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: t.remoteUser,
      REMOTE_ADDR: '127.0.0.1',
      GIT_CONFIG_NOSYSTEM: '1',
    };
    if (req.headers['content-length']) env['CONTENT_LENGTH'] = req.headers['content-length'];
    const enc = req.headers['content-encoding'];
    if (typeof enc === 'string') env['HTTP_CONTENT_ENCODING'] = enc;
    const proto = req.headers['git-protocol'];
    if (typeof proto === 'string') env['GIT_PROTOCOL'] = proto;
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let headerBuf = Buffer.alloc(0);
    let headersDone = false;
    let status = 200;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      headerBuf = Buffer.concat([headerBuf, chunk]);
      let sep = headerBuf.indexOf('\r\n\r\n');
      let sepLen = 4;
      if (sep < 0) {
        sep = headerBuf.indexOf('\n\n');
        sepLen = 2;
      }
      if (sep < 0) return;
      headersDone = true;
      const head = headerBuf.subarray(0, sep).toString('latin1');
      const headers: Record<string, string> = {};
      for (const line of head.split(/\r?\n/)) {
        const i = line.indexOf(':');
        if (i < 0) continue;
        const name = line.slice(0, i).trim();
        const value = line.slice(i + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]) || 200;
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      res.write(headerBuf.subarray(sep + sepLen));
    });
    child.stderr.resume();
    child.on('error', () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
      resolve(500);
    });
    child.on('close', () => {
      if (!headersDone && !res.headersSent) res.writeHead(500);
      res.end();
      resolve(status);
    });
    child.stdin.on('error', () => undefined);
    req.pipe(child.stdin);
  });
}
