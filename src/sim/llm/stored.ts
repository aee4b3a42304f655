/**
 * Stored chat completions, as the OpenAI API keeps them for requests sent with `store: true`:
 * `GET /v1/chat/completions` lists them, filtered by `metadata[key]=value` and `model`, a cursor
 * page at a time (`after`, `limit`, `order`), each with the usage it was charged.
 */
import { z } from 'zod';
import { outcome, type Outcome } from './context.js';
import type { ChatCompletionResponse } from './openai-schema.js';

/** The API's metadata rules: at most 16 pairs, keys up to 64 characters, values up to 512. */
export const MetadataSchema = z.record(z.string().min(1).max(64), z.string().max(512))
  .refine((m) => Object.keys(m).length <= 16, { message: 'metadata may have at most 16 keys' });

export type StoredCompletion = ChatCompletionResponse & { metadata: Record<string, string> };

const ListQuerySchema = z.strictObject({
  after: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  model: z.string().min(1).optional(),
  order: z.enum(['asc', 'desc']).default('asc'),
});

type ListError = (status: number, message: string, param: string | null) => Outcome;

export class StoredCompletions {
  private readonly items: StoredCompletion[] = [];

  add(completion: StoredCompletion): void {
    this.items.push(completion);
  }

  /** One page of the list endpoint, or a 400 naming the parameter that is wrong. */
  list(params: URLSearchParams, fail: ListError): Outcome {
    const metadata: Record<string, string> = {};
    const plain: Record<string, string> = {};
    for (const [key, value] of params) {
      const m = /^metadata\[(.*)\]$/.exec(key);
      if (m) metadata[m[1] ?? ''] = value;
      else if (key in plain) return fail(400, `Invalid value for '${key}': given more than once.`, key);
      else plain[key] = value;
    }
    const meta = MetadataSchema.safeParse(metadata);
    if (!meta.success) return fail(400, `Invalid value for 'metadata': ${meta.error.issues[0]?.message ?? 'invalid'}`, 'metadata');
    const query = ListQuerySchema.safeParse(plain);
    if (!query.success) {
      const issue = query.error.issues[0];
      const param = issue?.code === 'unrecognized_keys' ? (issue.keys[0] ?? '') : (issue?.path.map(String).join('.') ?? '');
      return fail(400, issue?.code === 'unrecognized_keys' ? `Unrecognized request argument supplied: ${param}` : `Invalid value for '${param}': ${issue?.message ?? 'invalid'}`, param);
    }
    const q = query.data;
    const matching = this.items
      .filter((c) => (q.model === undefined || c.model === q.model) && Object.entries(meta.data).every(([k, v]) => c.metadata[k] === v));
    const ordered = q.order === 'asc' ? matching : [...matching].reverse();
    let start = 0;
    if (q.after !== undefined) {
      const at = ordered.findIndex((c) => c.id === q.after);
      if (at < 0) return fail(404, `No chat completion found with id '${q.after}'.`, 'after');
      start = at + 1;
    }
    const data = ordered.slice(start, start + q.limit);
    return outcome(200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: start + q.limit < ordered.length });
  }
}
