import type { Draft } from './context.js';
import type { Resolution } from './script.js';
import type { Answer, ScriptRequest } from './schema.js';
import { applyStopSequences, cutInHalf, malformedInput, NON_JSON_TEXT, REFUSAL_TEXT, truncateInput } from './shape.js';
import { textOfTokens, tokenCount, truncateToTokens } from './tokens.js';

export type Finish = 'natural' | 'length' | 'stop_sequence' | 'refusal';

/** A scripted answer after faults, stop sequences and the token limit have had their say. */
export interface Rendered {
  draft: Draft;
  /** Tool arguments exactly as emitted (cut mid-way when truncated); JSON of `draft.tool.input` otherwise. */
  rawArguments: string | null;
  finish: Finish;
  stopSequence: string | null;
  refusal: string | null;
  outputTokens: number;
}

type AnswerResolution = Extract<Resolution, { kind: 'answer' }>;

const FILLER = 'The analysis continues with further detail about the issue and its likely causes. ';

export function renderAnswer(request: ScriptRequest, resolution: AnswerResolution): Rendered | { error: string } {
  if (resolution.distortion === 'refusal') {
    const refusal = resolution.refusalText ?? REFUSAL_TEXT;
    return { draft: { text: null, tool: null }, rawArguments: null, finish: 'refusal', stopSequence: null, refusal, outputTokens: tokenCount(refusal) };
  }
  let draft = draftFrom(resolution.answer);
  if (draft.tool && !request.tools.some((t) => t.name === draft.tool?.name)) {
    if (!request.responseFormat) {
      const offered = request.tools.map((t) => t.name).join(', ') || 'none';
      return { error: `script rule ${resolution.ruleId} answers with tool '${draft.tool.name}' but the request offered tools [${offered}]` };
    }
    draft = { text: JSON.stringify(draft.tool.input), tool: null };
  }
  switch (resolution.distortion) {
    case 'malformed': return finish(malform(draft, request), null, 'natural', null, null);
    case 'truncated': return cut(draft, request.maxTokens, 'half');
    case 'max_tokens': return cut(draft, request.maxTokens, 'tokens');
    case null: return natural(draft, request);
  }
}

function draftFrom(answer: Answer | null): Draft {
  if (answer === null) return { text: null, tool: null };
  if ('toolUse' in answer) return { text: answer.text ?? null, tool: { name: answer.toolUse.name, input: answer.toolUse.input } };
  if ('json' in answer) return { text: answer.json, tool: null };
  return { text: answer.text, tool: null };
}

function schemaOf(request: ScriptRequest, name: string): Record<string, unknown> {
  return request.tools.find((t) => t.name === name)?.schema ?? {};
}

function malform(draft: Draft, request: ScriptRequest): Draft {
  const format = request.responseFormat;
  if (draft.tool) return { text: draft.text, tool: { name: draft.tool.name, input: malformedInput(schemaOf(request, draft.tool.name)) } };
  if (format?.type === 'json_schema') return { text: JSON.stringify(malformedInput(format.schema)), tool: null };
  if (draft.text === null && format === undefined) {
    const name = request.forcedTool ?? request.tools[0]?.name;
    if (name !== undefined) return { text: null, tool: { name, input: malformedInput(schemaOf(request, name)) } };
  }
  return { text: NON_JSON_TEXT, tool: null };
}

function cut(draft: Draft, maxTokens: number | undefined, how: 'half' | 'tokens'): Rendered {
  if (draft.tool) {
    const raw = JSON.stringify(draft.tool.input);
    const rawCut = how === 'half' || maxTokens === undefined ? cutInHalf(raw) : truncateToTokens(raw, Math.min(maxTokens, tokenCount(raw) - 1));
    const next = { text: draft.text, tool: { name: draft.tool.name, input: truncateInput(draft.tool.input) } };
    return finish(next, rawCut, 'length', null, maxTokens);
  }
  const text = draft.text ?? textOfTokens(FILLER, Math.max(2 * (maxTokens ?? 32), 2));
  let out: string;
  if (how === 'half' || maxTokens === undefined) out = cutInHalf(text);
  else out = tokenCount(text) > maxTokens ? truncateToTokens(text, maxTokens) : textOfTokens(text, maxTokens);
  return finish({ text: out, tool: null }, null, 'length', null, maxTokens);
}

function natural(draft: Draft, request: ScriptRequest): Rendered {
  let next = draft;
  let stopSequence: string | null = null;
  if (next.text !== null && request.stopSequences.length > 0) {
    const stopped = applyStopSequences(next.text, request.stopSequences);
    if (stopped.stop !== null) {
      next = { text: stopped.text, tool: null };
      stopSequence = stopped.stop;
    }
  }
  const max = request.maxTokens;
  if (max !== undefined && countDraft(next, null) > max) {
    if (next.text !== null && tokenCount(next.text) >= max) return finish({ text: truncateToTokens(next.text, max), tool: null }, null, 'length', null, max);
    return cut(next, max, 'tokens');
  }
  return finish(next, null, stopSequence === null ? 'natural' : 'stop_sequence', stopSequence, null);
}

function finish(draft: Draft, rawArguments: string | null, how: Finish, stopSequence: string | null, limit: number | null | undefined): Rendered {
  const raw = draft.tool ? rawArguments ?? JSON.stringify(draft.tool.input) : null;
  const outputTokens = how === 'length' && limit != null ? limit : countDraft(draft, raw);
  return { draft, rawArguments: raw, finish: how, stopSequence, refusal: null, outputTokens };
}

function countDraft(draft: Draft, raw: string | null): number {
  const text = draft.text === null ? 0 : tokenCount(draft.text);
  if (!draft.tool) return text;
  return text + tokenCount(draft.tool.name) + tokenCount(raw ?? JSON.stringify(draft.tool.input)) + 5;
}
