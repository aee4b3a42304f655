/**
 * A GitHub stand-in on 127.0.0.1: REST (validated against GitHub's OpenAPI description),
 * GraphQL (validated and executed against GitHub's schema), git smart HTTP over real bare
 * repositories, GitHub-like primary and secondary rate limits, and seeded faults.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { Kind, OperationTypeNode, type OperationDefinitionNode } from 'graphql';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { logger } from '../../log.js';
import { seedExampleWorld } from '../world/seed.js';
import { ApiError, errorBody } from './api-error.js';
import { Clock } from './clock.js';
import { FaultInjector } from './faults.js';
import { prepare, run, type GqlContext, type GqlRequest } from './graphql.js';
import { isPush, parseGitPath, serveGit } from './http-backend.js';
import { HOUR_MS, TokenLimiters, tokenOf, type RateLimiter, type Resource } from './limits.js';
import { matchRoute, validateRequest } from './openapi.js';
import { handlers, type RestContext } from './rest.js';
import { DEFAULT_LIMITS, StandInOptionsSchema, type FaultKind, type FaultPlan, type Limits, type StandInOptions } from './schema.js';
import { World } from './world.js';

export type { Limits, FaultPlan, FaultKind };

export interface Counters {
  search: number;
  rest_read: number;
  rest_write: number;
  graphql_points: number;
  graphql_requests: number;
  git: number;
  /** Content-creating requests refused because GitHub's per-minute or per-hour content limit was full. */
  content_refused: number;
  /** Requests refused because their token's primary quota (core, search or GraphQL) was spent. */
  primary_refused: number;
  /** Requests refused because too many were in flight at once (a secondary limit). */
  concurrency_refused: number;
}

export interface GitHubStandIn {
  url: string;
  graphqlUrl: string;
  gitUrl(owner: string, repo: string): string;
  world: World;
  counters: Counters;
  resetCounters(): void;
  clock: Clock;
  /** The rate limits of one token (each token has its own, as on GitHub); no token: anonymous. */
  limiterFor(token?: string): RateLimiter;
  /** Every token's limits, made on first use. */
  limiters: TokenLimiters;
  /** Fault decisions so far, in request order (null = clean). */
  faultLog: readonly (FaultKind | null)[];
  /** The one-off faults handed out so far: commits refused with a 422, forks that were slow to appear, PR closes answered 502. */
  readonly injected: { commitsRefused: number; slowForks: number; pullClosesFailed: number };
  close(): Promise<void>;
}

const log = logger.child({ component: 'github-stand-in' });
const RATE_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';
const SECONDARY_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits';
const MAX_BODY = 50 * 1024 * 1024;

/** Whether a GraphQL operation is a `createCommitOnBranch` mutation. */
function commitsIn(op: OperationDefinitionNode): boolean {
  return op.operation === OperationTypeNode.MUTATION && op.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'createCommitOnBranch');
}

function zero(): Counters {
  return { search: 0, rest_read: 0, rest_write: 0, graphql_points: 0, graphql_requests: 0, git: 0, content_refused: 0, primary_refused: 0, concurrency_refused: 0 };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    const b = c as Buffer;
    size += b.length;
    if (size > MAX_BODY) throw new ApiError(413, 'Payload too large');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

export async function startGitHubStandIn(options: StandInOptions & { clock?: Clock } = {}): Promise<GitHubStandIn> {
  const { clock: givenClock, ...rest } = options;
  const opts = StandInOptionsSchema.parse(rest);
  const limits: Limits = { ...DEFAULT_LIMITS, ...(Object.fromEntries(Object.entries(opts.limits ?? {}).filter(([, v]) => v !== undefined)) as Partial<Limits>) };
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'gh-stand-in-')));
  const gitRoot = path.join(dir, 'git');
  await mkdir(gitRoot, { recursive: true });
  const clock = givenClock ?? new Clock();
  const viewer = opts.viewer ?? 'globallm-bot';
  const world = new World(gitRoot, clock, viewer);
  world.addUser(viewer, { name: 'GlobaLLM Bot', email: `${viewer}@users.noreply.github.com` });
  const limiters = new TokenLimiters(clock, limits, opts.hourMs ?? HOUR_MS);
  const faults = new FaultInjector(opts.faults);
  let counters = zero();
  const timers = new Set<NodeJS.Timeout>();
  let base = '';

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-media-type': 'github.v3; format=json', 'x-github-request-id': randomUUID(), ...headers });
    res.end(text);
  };

  const secondary = (res: ServerResponse, limiter: RateLimiter, resource: Resource): void => {
    send(res, 403, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.', documentation_url: SECONDARY_DOCS, status: '403' }, { ...limiter.headers(resource), 'retry-after': String(limits.secondaryRetryAfterSec) });
  };

  const primary = (res: ServerResponse, limiter: RateLimiter, resource: Resource, graphql = false): void => {
    counters.primary_refused += 1;
    const message = `API rate limit exceeded for user ID ${world.user(viewer).id}.`;
    const body = graphql ? { errors: [{ type: 'RATE_LIMITED', message }], message, documentation_url: RATE_DOCS } : { message, documentation_url: RATE_DOCS, status: '403' };
    send(res, 403, body, limiter.headers(resource));
  };

  const applyFault = (kind: FaultKind, req: IncomingMessage, res: ServerResponse, limiter: RateLimiter): void => {
    switch (kind) {
      case '500': send(res, 500, { message: 'Server Error' }); return;
      case '502': res.writeHead(502, { 'content-type': 'text/html' }); res.end('<h1>502 Bad Gateway</h1>'); return;
      case 'reset': req.socket.destroy(); return;
      case 'abuse403': secondary(res, limiter, 'core'); return;
      case 'timeout': {
        const t = setTimeout(() => {
          timers.delete(t);
          req.socket.destroy();
        }, opts.faults?.timeoutMs ?? 10_000);
        timers.add(t);
        return;
      }
    }
  };

  const handleGit = async (req: IncomingMessage, res: ServerResponse, url: URL, g: { owner: string; repo: string; rest: string }): Promise<void> => {
    counters.git += 1;
    const repo = world.visible(g.owner, g.repo);
    if (!repo?.gitDir) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Repository not found.\n');
      return;
    }
    const push = isPush(g.rest, url.search.slice(1));
    if (push && repo.archived) {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('This repository was archived so it is read-only.\n');
      return;
    }
    const status = await serveGit(req, res, { gitDir: repo.gitDir, rest: g.rest, query: url.search.slice(1), remoteUser: viewer });
    if (push && g.rest === '/git-receive-pack' && status === 200) world.notePush(repo);
  };

  const handleGraphql = async (req: IncomingMessage, res: ServerResponse, limiter: RateLimiter): Promise<void> => {
    counters.graphql_requests += 1;
    const raw = await readBody(req);
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      send(res, 400, { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' });
      return;
    }
    const p = parsed as Partial<GqlRequest> | null;
    if (!p || typeof p.query !== 'string') {
      send(res, 400, { message: 'A query attribute must be specified and must be a string.', documentation_url: 'https://docs.github.com/graphql' });
      return;
    }
    if (p.variables !== undefined && p.variables !== null && (typeof p.variables !== 'object' || Array.isArray(p.variables))) {
      send(res, 400, { message: 'Variables are invalid JSON.', documentation_url: 'https://docs.github.com/graphql' });
      return;
    }
    const gq: GqlRequest = { query: p.query, variables: p.variables ?? null, operationName: typeof p.operationName === 'string' ? p.operationName : null };
    const prep = prepare(gq);
    if (!prep.ok) {
      limiter.take('graphql', 1);
      counters.graphql_points += 1;
      send(res, prep.outcome.status, prep.outcome.body, limiter.headers('graphql'));
      return;
    }
    if (!limiter.fits('graphql', prep.cost)) {
      primary(res, limiter, 'graphql', true);
      return;
    }
    if (prep.op.operation === OperationTypeNode.MUTATION && !limiter.takeContent()) {
      counters.content_refused += 1;
      secondary(res, limiter, 'graphql');
      return;
    }
    if (commitsIn(prep.op) && faults.refuseCommit()) {
      send(res, 422, { message: 'Unprocessable Entity', documentation_url: 'https://docs.github.com/graphql' }, limiter.headers('graphql'));
      return;
    }
    limiter.take('graphql', prep.cost);
    counters.graphql_points += prep.cost;
    const ctx: GqlContext = { world, limiter, viewer, web: base, cost: prep.cost, nodeCount: prep.nodeCount, takeContent: () => undefined };
    const body = await run(ctx, prep.doc, prep.op, gq);
    send(res, 200, body, limiter.headers('graphql'));
  };

  const handleRest = async (req: IncomingMessage, res: ServerResponse, url: URL, limiter: RateLimiter): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const match = matchRoute(method, url.pathname);
    if (!match || 'allowed' in match) {
      send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' });
      return;
    }
    const { op } = match;
    const isSearch = op.template.startsWith('/search/');
    const resource: Resource | null = op.operationId === 'rate-limit/get' ? null : isSearch ? 'search' : 'core';
    const isRead = method === 'GET' || method === 'HEAD';
    const raw = await readBody(req);
    let body: unknown;
    const hasBody = raw.length > 0;
    if (hasBody) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        send(res, 400, { message: 'Problems parsing JSON', documentation_url: op.documentationUrl, status: '400' });
        return;
      }
    }
    const checked = validateRequest(op, match.params, url.searchParams, body, hasBody);
    if (!checked.ok) {
      send(res, checked.status, { message: checked.message, documentation_url: op.documentationUrl, status: String(checked.status) }, resource ? limiter.headers(resource) : {});
      return;
    }
    const handler = handlers[op.operationId];
    if (!handler) {
      send(res, 501, { message: `${method} ${op.template} (${op.operationId}) is documented by GitHub but not implemented by the stand-in`, documentation_url: op.documentationUrl, status: '501' });
      return;
    }
    if (isSearch) counters.search += 1;
    else if (isRead) counters.rest_read += 1;
    else counters.rest_write += 1;
    if (!isRead && resource) {
      if (!limiter.fits(resource)) return primary(res, limiter, resource);
      if (!limiter.takeContent()) {
        counters.content_refused += 1;
        return secondary(res, limiter, resource);
      }
      limiter.take(resource);
    }
    if (op.operationId === 'pulls/update' && (body as { state?: unknown } | undefined)?.state === 'closed' && faults.failPullClose()) {
      return send(res, 502, { message: 'Server Error' }, resource ? limiter.headers(resource) : {});
    }
    const forkDelayMs = op.operationId === 'repos/create-fork' ? faults.forkDelayMs(limits.forkDelayMs) : limits.forkDelayMs;
    const ctx: RestContext = { world, api: base, web: base, limiter, viewer, forkDelayMs };
    let status: number;
    let payload: unknown;
    let headers: Record<string, string> = {};
    try {
      const out = await handler(ctx, { path: checked.value.path, query: checked.value.query, body: checked.value.body, url });
      status = out.status;
      payload = out.body;
      headers = out.headers ?? {};
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      status = e.status;
      payload = errorBody(e, op.documentationUrl);
    }
    if (isRead && resource) {
      const etag = `W/"${createHash('sha1').update(JSON.stringify(payload ?? null)).digest('hex')}"`;
      headers['etag'] = etag;
      const inm = req.headers['if-none-match'];
      if (status === 200 && typeof inm === 'string' && inm.split(',').map((s) => s.trim()).includes(etag)) {
        res.writeHead(304, { ...limiter.headers(resource), etag });
        res.end();
        return;
      }
      if (!limiter.fits(resource)) return primary(res, limiter, resource);
      limiter.take(resource);
    }
    send(res, status, payload, { ...(resource ? limiter.headers(resource) : {}), ...headers });
  };

  const server = createServer((req, res) => {
    req.on('error', () => {});
    res.on('error', () => {});
    const url = new URL(req.url ?? '/', base || 'http://127.0.0.1');
    const g = parseGitPath(url.pathname);
    const work = async (): Promise<void> => {
      if (g) return handleGit(req, res, url, g);
      const limiter = limiters.for(tokenOf(req.headers.authorization));
      limiters.inFlight += 1;
      try {
        if (limiters.inFlight > limits.concurrency) {
          counters.concurrency_refused += 1;
          return secondary(res, limiter, 'core');
        }
        const fault = faults.next();
        if (fault) return applyFault(fault, req, res, limiter);
        if (url.pathname === '/graphql' || url.pathname === '/api/graphql') {
          if (req.method !== 'POST') return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/graphql' });
          return await handleGraphql(req, res, limiter);
        }
        return await handleRest(req, res, url, limiter);
      } finally {
        limiters.inFlight -= 1;
      }
    };
    work().catch((e: unknown) => {
      if (e instanceof ApiError) return send(res, e.status, errorBody(e));
      log.error({ err: e, url: req.url }, 'stand-in request failed');
      if (!res.headersSent) send(res, 500, { message: `Stand-in error: ${e instanceof Error ? e.message : String(e)}` });
      else res.end();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (opts.seedWorld !== false) await seedExampleWorld(world);

  return {
    url: base,
    graphqlUrl: `${base}/graphql`,
    gitUrl: (owner, repo) => `${base}/${owner}/${repo}.git`,
    world,
    get counters() {
      return counters;
    },
    resetCounters: () => {
      counters = zero();
    },
    clock,
    limiterFor: (token) => limiters.for(token),
    limiters,
    faultLog: faults.log,
    get injected() {
      return { commitsRefused: faults.commitsRefused, slowForks: faults.slowForks, pullClosesFailed: faults.pullClosesFailed };
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
}
