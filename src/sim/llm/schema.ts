import { z } from 'zod';

/** What the scripted model answers with: text, one tool call, or raw content (possibly malformed JSON). */
export const ToolUseSchema = z.strictObject({
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
});
export type ToolUse = z.infer<typeof ToolUseSchema>;

export const AnswerSchema = z.union([
  z.strictObject({ text: z.string() }),
  z.strictObject({ toolUse: ToolUseSchema, text: z.string().optional() }),
  z.strictObject({ json: z.string() }),
]);
export type Answer = z.infer<typeof AnswerSchema>;

/** Faults at the transport level: the rule's answer never reaches the client. */
export const TransportFaultKindSchema = z.enum(['rate_limit', 'overloaded', 'server_error', 'timeout']);
export type TransportFaultKind = z.infer<typeof TransportFaultKindSchema>;

/** Faults that distort an answer: the model replies, but not usefully. */
export const ContentFaultKindSchema = z.enum(['truncated', 'max_tokens', 'refusal', 'malformed']);
export type ContentFaultKind = z.infer<typeof ContentFaultKindSchema>;

const contentFaultFields = {
  text: z.string().optional(),
  toolUse: ToolUseSchema.optional(),
  json: z.string().optional(),
};

export const FaultSchema = z.discriminatedUnion('fault', [
  z.strictObject({ fault: z.literal('rate_limit'), retryAfterS: z.number().min(0).optional() }),
  z.strictObject({ fault: z.literal('overloaded') }),
  z.strictObject({ fault: z.literal('server_error') }),
  z.strictObject({ fault: z.literal('timeout') }),
  z.strictObject({ fault: z.literal('slow'), delayMs: z.number().int().min(0), then: AnswerSchema.optional() }),
  z.strictObject({ fault: z.literal('truncated'), ...contentFaultFields }),
  z.strictObject({ fault: z.literal('max_tokens'), ...contentFaultFields }),
  z.strictObject({ fault: z.literal('refusal'), text: z.string().optional() }),
  z.strictObject({ fault: z.literal('malformed'), ...contentFaultFields }),
]);
export type Fault = z.infer<typeof FaultSchema>;

export const StaticRespondSchema = z.union([AnswerSchema, FaultSchema]);
export type StaticRespond = z.infer<typeof StaticRespondSchema>;

export type Provider = 'anthropic' | 'openai';

/** The request as a script sees it, the same for both protocols. */
export interface ScriptRequest {
  provider: Provider;
  model: string;
  /** System prompt, every message's text, tool results and tool inputs, joined by newlines. */
  text: string;
  system: string;
  messages: Array<{ role: string; text: string }>;
  /** Tools offered, with their JSON schemas. */
  tools: Array<{ name: string; schema: Record<string, unknown> }>;
  /** The tool the request forces, if any. */
  forcedTool: string | undefined;
  /** Set when an OpenAI request asked for json_schema or json_object output. */
  responseFormat: { type: 'json_schema'; name: string; schema: Record<string, unknown> } | { type: 'json_object' } | undefined;
  maxTokens: number | undefined;
  stopSequences: string[];
  /** The parsed request body, as sent. */
  body: unknown;
}

export type RespondFn = (request: ScriptRequest) => StaticRespond | Promise<StaticRespond>;

const TextMatcherSchema = z.union([z.string(), z.instanceof(RegExp)]);

export const ScriptMatchSchema = z.strictObject({
  provider: z.enum(['anthropic', 'openai']).optional(),
  model: TextMatcherSchema.optional(),
  /** A substring (string) or a pattern (RegExp) tested against the request text. */
  contains: TextMatcherSchema.optional(),
  /** A regular expression source tested against the request text. */
  matches: z.string().optional(),
  /** A tool name the request offers or forces. */
  tool: z.string().optional(),
});
export type ScriptMatch = z.infer<typeof ScriptMatchSchema>;

export const ScriptRuleSchema = z.strictObject({
  id: z.string().min(1),
  match: ScriptMatchSchema.default({}),
  /** How many times the rule may fire before it is exhausted; unlimited when absent. */
  times: z.number().int().min(1).optional(),
  respond: z.union([StaticRespondSchema, z.custom<RespondFn>((v) => typeof v === 'function', 'respond must be an answer, a fault or a function')]),
});
export type ScriptRule = z.input<typeof ScriptRuleSchema>;
export type ParsedScriptRule = z.output<typeof ScriptRuleSchema>;

/** Seeded fault injection: each request draws once; a hit replaces or distorts the matched rule's answer. */
export const FaultRateSchema = z.strictObject({
  rate: z.number().min(0).max(1),
  kinds: z.array(z.union([TransportFaultKindSchema, ContentFaultKindSchema])).min(1),
  /** The retry-after sent with an injected rate limit. */
  retryAfterS: z.number().min(0).optional(),
});
export type FaultRate = z.infer<typeof FaultRateSchema>;

/** The stand-in's record of a call's usage, in one shape for both protocols (Anthropic's meaning: input excludes cached tokens). */
export interface WireUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export interface CallRecord {
  provider: Provider;
  path: string;
  model: string | undefined;
  body: unknown;
  status: number;
  /** The rule that answered, `fault:<kind>` for an injected fault, or null when none matched or the request was invalid. */
  ruleId: string | null;
  usage: WireUsage | null;
  error: string | null;
}
