import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

export const MAX_BODY_BYTES = 32 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge(`request body exceeds ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** One zod issue in the `path: message` form the real APIs use. */
export function describeIssue(error: z.ZodError): string {
  const issue = deepestIssue(error.issues[0]);
  if (!issue) return 'invalid request';
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return `${path ? `${path}.` : ''}${key}: Extra inputs are not permitted`;
  }
  const message = issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? 'Field required' : issue.message;
  return path ? `${path}: ${message}` : message;
}

/** Inside a union, the branch that got furthest says best what is wrong. */
function deepestIssue(issue: z.core.$ZodIssue | undefined): z.core.$ZodIssue | undefined {
  if (!issue || issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  let best: z.core.$ZodIssue | undefined;
  for (const branch of issue.errors) {
    const first = deepestIssue(branch[0]);
    if (first && (!best || first.path.length > best.path.length)) best = first;
  }
  if (!best || best.path.length === 0) return issue;
  return { ...best, path: [...issue.path, ...best.path] };
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return v !== undefined && v.trim().length > 0 ? v : undefined;
}

export function bearer(value: string | string[] | undefined): string | undefined {
  const v = headerValue(value);
  const m = v === undefined ? null : /^Bearer\s+(\S+)$/i.exec(v);
  return m?.[1];
}

export function modelOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const model = (raw as Record<string, unknown>)['model'];
  return typeof model === 'string' ? model : undefined;
}
