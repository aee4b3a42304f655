import { TRIAGE_TOOL_NAME } from '../../src/analysis/llm/prompt.js';
import type { ScriptRequest, StaticRespond } from '../../src/sim/llm/server.js';

export const MODEL = 'claude-haiku-4-5';

/** The refs and quoted texts of the <issue> blocks in a request's last user message. */
export function issueBlocks(request: ScriptRequest): Array<{ ref: number; text: string }> {
  const user = request.messages.filter((m) => m.role === 'user').at(-1)?.text ?? '';
  return [...user.matchAll(/<issue ref="(\d+)">\n([\s\S]*?)\n<\/issue>/g)].map((m) => ({ ref: Number(m[1]), text: m[2] ?? '' }));
}

/** A valid triage item whose rationale names the issue's first line, so tests can check the mapping. */
export function validItem(ref: number, text: string): Record<string, unknown> {
  const title = (text.split('\n')[0] ?? '').slice(0, 60) || 'untitled';
  return { ref, cat: /crash|error/i.test(text) ? 'bug' : 'feature', crit: false, cx: 3, solv: 6, files: ['src/a.ts'], risk: 'low', test: true, conf: 8, why: `about ${title}` };
}

export function answerWith(items: Array<Record<string, unknown>>): StaticRespond {
  return { toolUse: { name: TRIAGE_TOOL_NAME, input: { a: items } } };
}

/** Answers every batch with a valid item per quoted issue. */
export function answerAll(request: ScriptRequest): StaticRespond {
  return answerWith(issueBlocks(request).map((b) => validItem(b.ref, b.text)));
}
