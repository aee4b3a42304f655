/**
 * GitHub's official OpenAPI description, loaded once per process, used to route and validate
 * every REST request the stand-in receives (and, in tests, the responses it sends).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

export interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: JsonObject;
}

export interface Operation {
  operationId: string;
  method: string;
  template: string;
  parameters: OpenApiParameter[];
  requestBody: { required: boolean; schema: JsonObject | null } | null;
  responses: Record<string, JsonObject | null>;
  documentationUrl: string;
}

export interface RouteMatch {
  op: Operation;
  params: Record<string, string>;
}

interface CompiledRoute {
  op: Operation;
  regex: RegExp;
  names: string[];
  literalCount: number;
}

interface Loaded {
  doc: JsonObject;
  routes: Map<string, CompiledRoute[]>;
  ajv: Ajv;
  validators: Map<string, ValidateFunction>;
}

let loaded: Loaded | undefined;
/** Path parameters whose values may contain slashes (file paths, refs, branch names). */
const GREEDY = new Set(['path', 'ref', 'branch']);
const REF_ID = 'gh';

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function resolveRef(doc: JsonObject, node: Json | undefined): Json | undefined {
  let cur = node;
  for (let i = 0; i < 10 && isObject(cur) && typeof cur['$ref'] === 'string'; i++) {
    const parts = cur['$ref'].replace(/^#\//, '').split('/');
    let target: Json | undefined = doc;
    for (const p of parts) target = isObject(target) ? target[p.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
    cur = target;
  }
  return cur;
}

/**
 * Turns the OpenAPI 3.0 dialect into JSON Schema ajv understands: local `#/...` references are
 * pointed into the registered document, and `nullable: true` becomes an explicit null type.
 */
function toJsonSchema(node: Json, rebaseRefs: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, rebaseRefs));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'nullable') continue;
    out[k] = k === '$ref' && rebaseRefs && typeof v === 'string' && v.startsWith('#/') ? `${REF_ID}${v}` : toJsonSchema(v, rebaseRefs);
  }
  if (node['nullable'] !== true) return out;
  if (typeof out['type'] === 'string' && !('$ref' in out)) {
    out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function rebase(node: Json): Json {
  return toJsonSchema(node, true);
}

function load(): Loaded {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const doc = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
  const routes = new Map<string, CompiledRoute[]>();
  const paths = isObject(doc['paths']) ? doc['paths'] : {};
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item['parameters']) ? item['parameters'] : [];
    for (const [method, raw] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method) || !isObject(raw)) continue;
      const params: OpenApiParameter[] = [];
      for (const p of [...shared, ...(Array.isArray(raw['parameters']) ? raw['parameters'] : [])]) {
        const r = resolveRef(doc, p);
        if (!isObject(r) || typeof r['name'] !== 'string') continue;
        params.push({
          name: r['name'],
          in: r['in'] as OpenApiParameter['in'],
          required: r['required'] === true,
          schema: isObject(r['schema']) ? r['schema'] : {},
        });
      }
      const body = resolveRef(doc, raw['requestBody']);
      let requestBody: Operation['requestBody'] = null;
      if (isObject(body)) {
        const content = isObject(body['content']) ? body['content'] : {};
        const json = content['application/json'];
        requestBody = { required: body['required'] === true, schema: isObject(json) && isObject(json['schema']) ? json['schema'] : null };
      }
      const responses: Record<string, JsonObject | null> = {};
      for (const [status, resp] of Object.entries(isObject(raw['responses']) ? raw['responses'] : {})) {
        const r = resolveRef(doc, resp);
        const content = isObject(r) && isObject(r['content']) ? r['content'] : {};
        const json = content['application/json'];
        responses[status] = isObject(json) && isObject(json['schema']) ? json['schema'] : null;
      }
      const ext = isObject(raw['externalDocs']) ? raw['externalDocs'] : {};
      const op: Operation = {
        operationId: typeof raw['operationId'] === 'string' ? raw['operationId'] : `${method} ${template}`,
        method: method.toUpperCase(),
        template,
        parameters: params,
        requestBody,
        responses,
        documentationUrl: typeof ext['url'] === 'string' ? ext['url'] : 'https://docs.github.com/rest',
      };
      const names: string[] = [];
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return GREEDY.has(name) ? '(.+)' : '([^/]+)';
      });
      const list = routes.get(op.method) ?? [];
      list.push({ op, regex: new RegExp(`^${pattern}$`), names, literalCount: template.split('/').filter((s) => s && !s.startsWith('{')).length });
      routes.set(op.method, list);
    }
  }
  for (const list of routes.values()) list.sort((a, b) => b.literalCount - a.literalCount || a.names.length - b.names.length);
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, coerceTypes: false });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => void;
  addFormats(ajv);
  ajv.addSchema({ $id: REF_ID, components: toJsonSchema(doc['components'] ?? {}, false) });
  loaded = { doc, routes, ajv, validators: new Map() };
  return loaded;
}

/** Finds the documented operation for a method and raw (still percent-encoded) path. */
export function matchRoute(method: string, rawPath: string): RouteMatch | { allowed: string[] } | null {
  const { routes } = load();
  for (const route of routes.get(method.toUpperCase()) ?? []) {
    const m = route.regex.exec(rawPath);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.names.forEach((n, i) => {
      params[n] = decodeURIComponent(m[i + 1] ?? '');
    });
    return { op: route.op, params };
  }
  const allowed: string[] = [];
  for (const [m, list] of routes) if (list.some((r) => r.regex.test(rawPath))) allowed.push(m);
  return allowed.length > 0 ? { allowed } : null;
}

function compile(key: string, schema: JsonObject): ValidateFunction {
  const l = load();
  let v = l.validators.get(key);
  if (!v) {
    v = l.ajv.compile(rebase(schema) as object);
    l.validators.set(key, v);
  }
  return v;
}

export function describeErrors(errors: ErrorObject[] | null | undefined, where: string): string {
  return (errors ?? []).slice(0, 5).map((e) => `${where}${e.instancePath || ''} ${e.message ?? 'is invalid'}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`).join('; ');
}

/** Parses a query/path string value to the type its schema declares; `undefined` if it cannot be. */
function coerce(value: string, schema: JsonObject): unknown {
  const resolved = resolveRef(load().doc, schema);
  const type = isObject(resolved) ? resolved['type'] : undefined;
  if (type === 'integer') return /^-?\d+$/.test(value) ? Number(value) : value;
  if (type === 'number') return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  if (type === 'array') return value.split(',');
  return value;
}

export interface ValidatedRequest {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
}

/** Validates path, query and body against the operation; returns the reasons it fails, or the typed values. */
export function validateRequest(op: Operation, pathParams: Record<string, string>, query: URLSearchParams, body: unknown, hasBody: boolean): { ok: true; value: ValidatedRequest } | { ok: false; status: number; message: string } {
  const out: ValidatedRequest = { path: {}, query: {}, body };
  for (const p of op.parameters) {
    if (p.in !== 'path' && p.in !== 'query') continue;
    const raw = p.in === 'path' ? pathParams[p.name] : query.get(p.name) ?? undefined;
    if (raw === undefined) {
      if (p.required) return { ok: false, status: 422, message: `Missing required ${p.in} parameter "${p.name}"` };
      continue;
    }
    const value = coerce(raw, p.schema);
    const v = compile(`${op.operationId}#param:${p.name}`, p.schema);
    if (!v(value)) return { ok: false, status: p.in === 'path' ? 404 : 422, message: `Invalid ${p.in} parameter "${p.name}": ${describeErrors(v.errors, p.name)}` };
    (p.in === 'path' ? out.path : out.query)[p.name] = value;
  }
  if (op.requestBody) {
    if (!hasBody) {
      if (op.requestBody.required) return { ok: false, status: 400, message: 'Problems parsing JSON: a request body is required' };
    } else if (op.requestBody.schema) {
      const v = compile(`${op.operationId}#body`, op.requestBody.schema);
      if (!v(body)) return { ok: false, status: 422, message: `Invalid request. ${describeErrors(v.errors, 'body')}` };
    }
  }
  return { ok: true, value: out };
}

/** Checks a response body against the documented schema for the operation and status (for tests). */
export function validateResponse(operationId: string, status: number, body: unknown): { ok: boolean; errors: string } {
  const l = load();
  for (const list of l.routes.values()) {
    for (const r of list) {
      if (r.op.operationId !== operationId) continue;
      const schema = r.op.responses[String(status)];
      if (!schema) return { ok: false, errors: `no documented ${status} JSON response for ${operationId}` };
      const v = compile(`${operationId}#response:${status}`, schema);
      return v(body) ? { ok: true, errors: '' } : { ok: false, errors: describeErrors(v.errors, 'response') };
    }
  }
  return { ok: false, errors: `unknown operation ${operationId}` };
}

/** Loads the description eagerly (startup cost paid once, outside a request). */
export function warmOpenApi(): void {
  load();
}
