import { createRequire } from 'node:module';
import type * as Grpc from '@grpc/grpc-js';
import type * as HostUri from '@temporalio/common/lib/internal-non-workflow/parse-host-uri.js';
import type * as TlsConfig from '@temporalio/common/lib/internal-non-workflow/tls-config.js';
import type * as Protobuf from 'protobufjs';
import { temporalUnreachable } from './connection.js';
import { HEALTH_API } from './health-api.js';
import type { ConnectionExtras } from './profile.js';

/*
 * The health check's calls to the Temporal frontend over a bare gRPC channel, with only the part
 * of the API they use (health-api.ts). The SDK's Connection builds every message of the Temporal
 * API before its first call, which costs `status` more than all of its network round trips.
 * Loaded with require, as connection.ts explains.
 */
const load = createRequire(import.meta.url);
const SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';
const DEFAULT_PORT = 7233;

export type TaskQueueKind = 'workflow' | 'activity';

export interface HealthClient {
  /** The server's version as it reports it ('' for a server too old to say). */
  serverVersion: string;
  /** The identities polling a task queue of one kind now. */
  pollers(namespace: string, queue: string, kind: TaskQueueKind): Promise<string[]>;
  close(): void;
}

interface Api { root: Protobuf.Root; service: Protobuf.Service }
let api: Api | undefined;

function healthApi(): Api {
  if (!api) {
    const { Root } = load('protobufjs/light') as typeof Protobuf;
    const root = Root.fromJSON(HEALTH_API);
    root.resolveAll();
    api = { root, service: root.lookupService(SERVICE) };
  }
  return api;
}

/** `host:port`, the port 7233 when the address has none; a URL or anything else is refused, as by the SDK. */
function endpoint(address: string): string {
  const { normalizeGrpcEndpointAddress } = load('@temporalio/common/lib/internal-non-workflow/parse-host-uri.js') as typeof HostUri;
  return normalizeGrpcEndpointAddress(address, DEFAULT_PORT);
}

/** Credentials and channel options as the SDK's Connection derives them from an API key and TLS settings. */
function channel(grpc: typeof Grpc, extras: ConnectionExtras): [Grpc.ChannelCredentials, Grpc.ChannelOptions] {
  if (extras.apiKey && extras.metadata?.['Authorization']) throw new TypeError('both an API key and an Authorization header were given; only one makes sense');
  const { normalizeTlsConfig } = load('@temporalio/common/lib/internal-non-workflow/tls-config.js') as typeof TlsConfig;
  const tls = normalizeTlsConfig(extras.tls, extras.apiKey);
  if (!tls) return [grpc.credentials.createInsecure(), {}];
  const key = tls.clientCertPair?.key;
  const crt = tls.clientCertPair?.crt;
  return [
    grpc.credentials.createSsl(tls.serverRootCACertificate ? Buffer.from(tls.serverRootCACertificate) : null, key ? Buffer.from(key) : null, crt ? Buffer.from(crt) : null),
    tls.serverNameOverride ? { 'grpc.ssl_target_name_override': tls.serverNameOverride, 'grpc.default_authority': tls.serverNameOverride } : {},
  ];
}

function metadataOf(grpc: typeof Grpc, extras: ConnectionExtras, namespace?: string): Grpc.Metadata {
  const md = new grpc.Metadata();
  if (extras.apiKey) md.set('Authorization', `Bearer ${extras.apiKey}`);
  for (const [k, v] of Object.entries(extras.metadata ?? {})) md.set(k, v);
  // As the SDK does for every call naming a namespace (a cloud frontend routes by it).
  if (namespace) md.set('temporal-namespace', namespace);
  return md;
}

interface CallContext { grpc: typeof Grpc; client: Grpc.Client; extras: ConnectionExtras; timeoutMs: number }

/** One unary WorkflowService call, encoded and decoded with the health API's types. */
function call(ctx: CallContext, method: string, request: Record<string, unknown>, namespace?: string): Promise<Record<string, unknown>> {
  const m = healthApi().service.methods[method];
  const req = m?.resolvedRequestType;
  const res = m?.resolvedResponseType;
  if (!m || !req || !res) throw new Error(`${method} is not part of the health API`);
  return new Promise((resolve, reject) => {
    ctx.client.makeUnaryRequest(
      `/${SERVICE}/${method}`,
      (arg: Record<string, unknown>) => Buffer.from(req.encode(req.fromObject(arg)).finish()),
      (buf: Buffer) => res.toObject(res.decode(buf)),
      request, metadataOf(ctx.grpc, ctx.extras, namespace), { deadline: Date.now() + ctx.timeoutMs },
      (err, value) => (err || !value ? reject(err ?? new Error(`${method}: empty answer`)) : resolve(value)),
    );
  });
}

function waitForReady(client: Grpc.Client, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve())));
}

async function systemVersion(ctx: CallContext): Promise<string> {
  try {
    const version = (await call(ctx, 'GetSystemInfo', {}))['serverVersion'];
    return typeof version === 'string' ? version : '';
  } catch (err) {
    // As the SDK's Connection: a server too old for GetSystemInfo is still a server.
    if ((err as Partial<Grpc.ServiceError>).code === ctx.grpc.status.UNIMPLEMENTED) return '';
    throw err;
  }
}

async function connect(grpc: typeof Grpc, address: string, timeoutMs: number, extras: ConnectionExtras): Promise<{ ctx: CallContext; serverVersion: string }> {
  const client = new grpc.Client(endpoint(address), ...channel(grpc, extras));
  const ctx: CallContext = { grpc, client, extras, timeoutMs };
  try {
    await waitForReady(client, timeoutMs);
    return { ctx, serverVersion: await systemVersion(ctx) };
  } catch (err) {
    client.close();
    throw err;
  }
}

/**
 * Connects to the Temporal frontend (API key, TLS and metadata as the SDK's Connection takes
 * them) and asks its version; each call fails after `timeoutMs`. Not reachable within it, or
 * settings it cannot use: a ServiceUnavailable naming the address.
 */
export async function openHealthClient(address: string, timeoutMs = 10_000, extras: ConnectionExtras = {}): Promise<HealthClient> {
  const grpc = load('@grpc/grpc-js') as typeof Grpc;
  let opened: Awaited<ReturnType<typeof connect>>;
  try {
    opened = await connect(grpc, address, timeoutMs, extras);
  } catch (err) {
    throw temporalUnreachable(address, err);
  }
  const { ctx, serverVersion } = opened;
  const types = healthApi().root.lookupEnum('temporal.api.enums.v1.TaskQueueType').values;
  const typeOf = { workflow: types['TASK_QUEUE_TYPE_WORKFLOW'], activity: types['TASK_QUEUE_TYPE_ACTIVITY'] };
  return {
    serverVersion,
    async pollers(namespace, queue, kind) {
      const r = await call(ctx, 'DescribeTaskQueue', { namespace, taskQueue: { name: queue }, taskQueueType: typeOf[kind] }, namespace);
      const pollers: unknown = r['pollers'];
      return (Array.isArray(pollers) ? pollers : []).flatMap((p: { identity?: unknown }) => (typeof p.identity === 'string' && p.identity ? [p.identity] : []));
    },
    close: () => ctx.client.close(),
  };
}
