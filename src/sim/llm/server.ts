/**
 * An LLM stand-in that the real Anthropic and OpenAI SDKs talk to unchanged:
 *
 *   const sim = await startLlmStandIn({ script: [{ id: 'rank', match: { tool: 'rank_issue' }, respond: { toolUse: { name: 'rank_issue', input } } }] });
 *   new Anthropic({ baseURL: sim.url, apiKey: 'test' });      // POST /v1/messages
 *   new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'test' });  // POST /v1/chat/completions, GET /v1/models
 *                                                              // GET /v1/chat/completions (those sent with store: true)
 *
 * Every answer comes from a script rule; a request no rule matches fails with a 500 that names it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../../log.js';
import { anthropicError, checkAnthropicAuth, handleMessages } from './anthropic.js';
import { outcome, type Outcome, type ProviderContext } from './context.js';
import { BodyTooLarge, headerValue, readBody, sendJson } from './http.js';
import { anthropicModelList, DEFAULT_MODELS, openAiModelList } from './models.js';
import { checkAuth, handleChatCompletions, handleListChatCompletions, openAiError } from './openai.js';
import { StoredCompletions } from './stored.js';
import { seededRandom } from '../../util/seeded-random.js';
import { AnthropicPromptCache, OpenAiPromptCache } from './prompt-cache.js';
import { ScriptBook } from './script.js';
import type { CallRecord, FaultRate, Provider, RespondFn, ScriptRule, StaticRespond, WireUsage } from './schema.js';

export type { CallRecord, FaultRate, RespondFn, ScriptRequest, ScriptRule, StaticRespond, WireUsage } from './schema.js';

export interface LlmStandInOptions {
  script?: ScriptRule[];
  /** Seeds the fault-injection PRNG and the ids in responses. */
  seed?: number;
  /** Inject faults into a share of requests, drawn from a PRNG seeded with `seed`. */
  faultRate?: FaultRate;
  /** The answer for requests no rule matches; without it they fail with a 500 naming the request. */
  default?: StaticRespond | RespondFn;
  /** Accept only this API key (any non-empty key otherwise). */
  apiKey?: string;
  /** Known models: others answer 404 as unknown models do. Any name is accepted when absent. */
  models?: string[];
  /** Shortest prefix the prompt caches store, in tokens (the real APIs need 1024 or more). */
  cacheMinTokens?: number;
  /** Retry-after, in seconds, for rate limits that do not say. */
  retryAfterS?: number;
}

export interface UsageTotals extends WireUsage {
  requests: number;
}

export interface LlmStandIn {
  /** Base URL: the Anthropic SDK takes it as is, the OpenAI SDK takes `${url}/v1`. */
  readonly url: string;
  readonly calls: readonly CallRecord[];
  readonly usageTotals: UsageTotals;
  setScript(rules: ScriptRule[]): void;
  addRule(rule: ScriptRule): void;
  setDefault(respond: StaticRespond | RespondFn | undefined): void;
  /** Ids of rules that never fired. */
  unusedRules(): string[];
  close(): Promise<void>;
}

const DEFAULT_CACHE_MIN_TOKENS = 1024;

export async function startLlmStandIn(options: LlmStandInOptions = {}): Promise<LlmStandIn> {
  const log = logger.child({ component: 'llm-stand-in' });
  const seed = options.seed ?? 1;
  const script = new ScriptBook(seededRandom(seed), {
    ...(options.faultRate !== undefined ? { faultRate: options.faultRate } : {}),
    ...(options.retryAfterS !== undefined ? { retryAfterS: options.retryAfterS } : {}),
  });
  script.setRules(options.script ?? []);
  script.setDefault(options.default);
  const minTokens = options.cacheMinTokens ?? DEFAULT_CACHE_MIN_TOKENS;
  let counter = 0;
  const idStem = (seed >>> 0).toString(36).padStart(6, '0');
  const ctx: ProviderContext = {
    script,
    anthropicCache: new AnthropicPromptCache(minTokens),
    openAiCache: new OpenAiPromptCache(minTokens),
    nextId: (prefix) => `${prefix}sim${idStem}${(++counter).toString(36).padStart(14, '0')}`,
    apiKey: options.apiKey,
    models: options.models,
    stored: new StoredCompletions(),
  };
  const calls: CallRecord[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
    const provider: Provider = path === '/v1/chat/completions' || (path !== '/v1/messages' && headerValue(req.headers['anthropic-version']) === undefined) ? 'openai' : 'anthropic';
    let body: unknown = undefined;
    let result: Outcome;
    try {
      result = await route(req, path, provider, (parsed) => { body = parsed; });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error({ err, path }, 'llm stand-in failed on a request');
      result = provider === 'anthropic' ? anthropicError(500, 'api_error', message) : openAiError(500, 'server_error', message);
    }
    if (req.method === 'POST') {
      calls.push({ provider, path, model: result.model, body, status: result.hang ? 0 : result.status, ruleId: result.ruleId, usage: result.usage, error: result.error });
      if (result.error !== null && result.status >= 500 && result.ruleId === null) log.warn({ path, error: result.error }, 'llm stand-in request unanswered');
    }
    if (result.hang) return; // answered never; the socket is destroyed on close
    const headers = { [provider === 'anthropic' ? 'request-id' : 'x-request-id']: ctx.nextId('req_'), ...result.headers };
    if (result.delayMs > 0) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        sendJson(res, result.status, result.body, headers);
      }, result.delayMs);
      timers.add(timer);
      res.on('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
      return;
    }
    sendJson(res, result.status, result.body, headers);
  };

  const route = async (req: IncomingMessage, path: string, provider: Provider, keep: (body: unknown) => void): Promise<Outcome> => {
    const fail = provider === 'anthropic'
      ? (status: number, message: string, type: 'invalid_request_error' | 'not_found_error' | 'request_too_large' = 'invalid_request_error') => anthropicError(status, type, message)
      : (status: number, message: string) => openAiError(status, 'invalid_request_error', message);
    if (path === '/v1/models') {
      if (req.method !== 'GET') return fail(405, `Method ${req.method ?? ''} not allowed on ${path}`);
      const models = options.models ?? DEFAULT_MODELS;
      if (provider === 'openai') return checkAuth(ctx, req.headers) ?? outcome(200, openAiModelList(models));
      return checkAnthropicAuth(ctx, req.headers) ?? outcome(200, anthropicModelList(models));
    }
    if (path !== '/v1/messages' && path !== '/v1/chat/completions') return fail(404, `Not found: ${path}`, 'not_found_error');
    if (path === '/v1/chat/completions' && req.method === 'GET') return handleListChatCompletions(ctx, req.headers, new URL(req.url ?? '/', 'http://stand-in').searchParams);
    if (req.method !== 'POST') return fail(405, `Method ${req.method ?? ''} not allowed on ${path}`);
    let text: string;
    try {
      text = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) return fail(413, err.message, 'request_too_large');
      throw err;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail(400, 'There was an error parsing the body: the request body is not valid JSON');
    }
    keep(parsed);
    return path === '/v1/messages' ? handleMessages(ctx, req.headers, parsed) : handleChatCompletions(ctx, req.headers, parsed);
  };

  const server: Server = createServer((req, res) => {
    // A client that gave up (timeout, cancelled activity) is not the stand-in's failure.
    req.on('error', () => {});
    res.on('error', () => {});
    if (closing) {
      res.destroy();
      return;
    }
    handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'llm stand-in could not answer');
      res.destroy();
    });
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    get usageTotals(): UsageTotals {
      const totals: UsageTotals = { requests: 0, inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
      for (const call of calls) {
        if (!call.usage) continue;
        totals.requests += 1;
        totals.inputTokens += call.usage.inputTokens;
        totals.outputTokens += call.usage.outputTokens;
        totals.cacheCreationInputTokens += call.usage.cacheCreationInputTokens;
        totals.cacheReadInputTokens += call.usage.cacheReadInputTokens;
      }
      return totals;
    },
    setScript: (rules) => script.setRules(rules),
    addRule: (rule) => script.addRule(rule),
    setDefault: (respond) => script.setDefault(respond),
    unusedRules: () => script.unusedRules(),
    close: async () => {
      if (closing) return;
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      server.closeAllConnections();
      await closed;
    },
  };
}
