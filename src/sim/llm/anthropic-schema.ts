import { z } from 'zod';

/** The Messages API request, as strict as the real endpoint about shapes that matter. */
export const CacheControlSchema = z.strictObject({ type: z.literal('ephemeral'), ttl: z.enum(['5m', '1h']).optional() });

const cacheControl = CacheControlSchema.nullish();

export const TextBlockSchema = z.strictObject({
  type: z.literal('text'),
  text: z.string(),
  cache_control: cacheControl,
  citations: z.array(z.unknown()).nullish(),
});

const ImageSourceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('base64'), media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']), data: z.string() }),
  z.strictObject({ type: z.literal('url'), url: z.string() }),
]);

export const ImageBlockSchema = z.strictObject({ type: z.literal('image'), source: ImageSourceSchema, cache_control: cacheControl });

export const ToolUseBlockSchema = z.strictObject({
  type: z.literal('tool_use'),
  id: z.string().min(1),
  name: z.string().min(1),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

export const ToolResultBlockSchema = z.strictObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string().min(1),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [TextBlockSchema, ImageBlockSchema]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

export const ContentBlockSchema = z.discriminatedUnion('type', [TextBlockSchema, ImageBlockSchema, ToolUseBlockSchema, ToolResultBlockSchema]);
export type ContentBlock = z.infer<typeof ContentBlockSchema>;

export const MessageParamSchema = z.strictObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(ContentBlockSchema)]),
});
export type MessageParam = z.infer<typeof MessageParamSchema>;

export const ToolSchema = z.strictObject({
  type: z.literal('custom').optional(),
  name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'String should match pattern \'^[a-zA-Z0-9_-]{1,64}$\''),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }),
  cache_control: cacheControl,
});
export type Tool = z.infer<typeof ToolSchema>;

export const ToolChoiceSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal('tool'), name: z.string().min(1), disable_parallel_tool_use: z.boolean().optional() }),
  z.strictObject({ type: z.literal('none') }),
]);

export const MessagesRequestSchema = z.strictObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(MessageParamSchema).min(1, 'at least one message is required'),
  system: z.union([z.string(), z.array(TextBlockSchema)]).optional(),
  tools: z.array(ToolSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.strictObject({ user_id: z.string().nullish() }).optional(),
  stream: z.boolean().optional(),
  service_tier: z.enum(['auto', 'standard_only']).optional(),
  thinking: z.unknown().optional(),
});
export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  service_tier: 'standard';
}

export type ResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

export interface MessagesResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: ResponseBlock[];
  stop_reason: 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal';
  stop_sequence: string | null;
  usage: AnthropicUsage;
}
