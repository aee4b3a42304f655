// What a model answers to a triage call, item by item, at a real model's length: the benchmarks'
// stand-in for the analysis model (the category from the words, the paths it names).
import { TRIAGE_TOOL_NAME } from '../../src/analysis/llm/prompt.js';
import type { ScriptRequest, ScriptRule, StaticRespond } from '../../src/sim/llm/server.js';

const CATEGORY_WORDS: Array<[RegExp, string]> = [
  [/security|leak|secret|dos vector/i, 'security'],
  [/slower|performance|memory leak|threads/i, 'performance'],
  [/typo|document|readme|docs/i, 'documentation'],
  [/flaky test|test fails/i, 'test'],
  [/refactor/i, 'refactor'],
  [/bump|dependenc/i, 'dependency'],
  [/build fails|jpms|module-info|go\.mod/i, 'build'],
  [/how do i|is there a way|\?$/i, 'question'],
  [/crash|panic|error|exception|wrong|not |drops|loses|fails|hangs|leak/i, 'bug'],
  [/support|add |would be|please|proposal|rfc/i, 'feature'],
];

const PATH = /(?<![\w/.-])(?:[\w-]+\/)+[\w-]+\.(?:ts|tsx|js|py|rb|go|rs|java|gradle|yml)\b/g;

/** A plausible model answer for one quoted issue: what a real model would say, at a real model's length. */
function itemFor(ref: number, text: string): Record<string, unknown> {
  const [title = ''] = text.split('\n');
  const category = CATEGORY_WORDS.find(([re]) => re.test(text))?.[1] ?? 'other';
  const files = [...new Set(text.match(PATH) ?? [])].filter((p) => !/node_modules|site-packages|gems\//.test(p)).slice(0, 3);
  const why = title.replace(/[^\w\s.-]/g, ' ').split(/\s+/).filter(Boolean).slice(0, 10).join(' ') || 'unclear report';
  const critical = category === 'security' || /crash|panic|data loss|out of memory/i.test(text);
  return {
    ref, cat: category, crit: critical, cx: Math.min(10, 2 + files.length + Math.floor(text.length / 600)), solv: files.length > 0 ? 7 : 4,
    files, risk: /breaking|drop support|rfc/i.test(text) ? 'high' : 'low', test: category === 'bug' || category === 'security', conf: 7, why,
  };
}

function answer(request: ScriptRequest): StaticRespond {
  const user = request.messages.filter((m) => m.role === 'user').at(-1)?.text ?? '';
  const items = [...user.matchAll(/<issue ref="(\d+)">\n([\s\S]*?)\n<\/issue>/g)].map((m) => itemFor(Number(m[1]), m[2] ?? ''));
  return { toolUse: { name: TRIAGE_TOOL_NAME, input: { a: items } } };
}

/** The LLM stand-in's rule that answers every triage call. */
export function triageRule(): ScriptRule {
  return { id: 'triage', match: { tool: TRIAGE_TOOL_NAME }, respond: answer };
}
