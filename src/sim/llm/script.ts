import { z } from 'zod';
import { UsageError } from '../../errors.js';
import {
  ScriptRuleSchema, StaticRespondSchema, FaultRateSchema, TransportFaultKindSchema,
  type Answer, type ContentFaultKind, type FaultRate, type ParsedScriptRule, type RespondFn,
  type ScriptMatch, type ScriptRequest, type ScriptRule, type StaticRespond,
} from './schema.js';

export type TransportFault =
  | { fault: 'rate_limit'; retryAfterS: number }
  | { fault: 'overloaded' }
  | { fault: 'server_error' }
  | { fault: 'timeout' };

/** What the stand-in decided to do with one request, before it is put in a protocol's shape. */
export type Resolution =
  | { kind: 'fault'; ruleId: string; fault: TransportFault }
  | { kind: 'answer'; ruleId: string; answer: Answer | null; distortion: ContentFaultKind | null; refusalText: string | null; delayMs: number }
  | { kind: 'unmatched'; message: string }
  | { kind: 'script_error'; ruleId: string; message: string };

interface Slot { rule: ParsedScriptRule; pattern: RegExp | null; fired: number }

const DEFAULT_RULE_ID = 'default';

/** The ordered rules that decide every answer; the first live rule that matches fires. */
export class ScriptBook {
  private slots: Slot[] = [];
  private fallback: StaticRespond | RespondFn | undefined;
  private readonly faultRate: FaultRate | undefined;
  private readonly retryAfterS: number;

  constructor(private readonly random: () => number, options: { faultRate?: unknown; retryAfterS?: number } = {}) {
    this.faultRate = options.faultRate === undefined ? undefined : parseOrThrow(FaultRateSchema, options.faultRate, 'faultRate');
    this.retryAfterS = options.retryAfterS ?? 1;
  }

  setRules(rules: readonly ScriptRule[]): void {
    const slots = rules.map(toSlot);
    assertUniqueIds(slots);
    this.slots = slots;
  }

  addRule(rule: ScriptRule): void {
    const slots = [...this.slots, toSlot(rule)];
    assertUniqueIds(slots);
    this.slots = slots;
  }

  setDefault(respond: StaticRespond | RespondFn | undefined): void {
    if (respond !== undefined && typeof respond !== 'function') parseOrThrow(StaticRespondSchema, respond, 'default');
    this.fallback = respond;
  }

  /** Ids of rules that never fired: a test can assert its whole script was used. */
  unusedRules(): string[] {
    return this.slots.filter((s) => s.fired === 0).map((s) => s.rule.id);
  }

  async resolve(request: ScriptRequest): Promise<Resolution> {
    const injected = this.drawFault();
    const slot = this.slots.find((s) => (s.rule.times === undefined || s.fired < s.rule.times) && matches(s, request));
    if (!slot && this.fallback === undefined) return { kind: 'unmatched', message: describeUnmatched(request, this.slots) };
    if (injected && TransportFaultKindSchema.safeParse(injected).success) {
      return { kind: 'fault', ruleId: `fault:${injected}`, fault: this.transportFault(injected) };
    }
    if (slot) slot.fired += 1;
    const ruleId = slot ? slot.rule.id : DEFAULT_RULE_ID;
    const respond = slot ? slot.rule.respond : this.fallback;
    let resolved: StaticRespond;
    try {
      const raw = typeof respond === 'function' ? await respond(request) : respond;
      const parsed = StaticRespondSchema.safeParse(raw);
      if (!parsed.success) return { kind: 'script_error', ruleId, message: `script rule ${ruleId} returned an invalid answer: ${z.prettifyError(parsed.error)}` };
      resolved = parsed.data;
    } catch (err) {
      return { kind: 'script_error', ruleId, message: `script rule ${ruleId} threw: ${err instanceof Error ? err.message : String(err)}` };
    }
    const resolution = this.toResolution(ruleId, resolved);
    if (injected && resolution.kind === 'answer' && resolution.distortion === null) {
      return { ...resolution, ruleId: `${ruleId}+fault:${injected}`, distortion: injected as ContentFaultKind };
    }
    return resolution;
  }

  private drawFault(): string | null {
    if (!this.faultRate) return null;
    const hit = this.random() < this.faultRate.rate;
    const pick = this.random();
    if (!hit) return null;
    return this.faultRate.kinds[Math.floor(pick * this.faultRate.kinds.length)] ?? null;
  }

  private transportFault(kind: string): TransportFault {
    if (kind === 'rate_limit') return { fault: 'rate_limit', retryAfterS: this.faultRate?.retryAfterS ?? this.retryAfterS };
    return { fault: kind as 'overloaded' | 'server_error' | 'timeout' };
  }

  private toResolution(ruleId: string, respond: StaticRespond): Resolution {
    const answer = (distortion: ContentFaultKind | null, a: Answer | null, delayMs = 0, refusalText: string | null = null): Resolution =>
      ({ kind: 'answer', ruleId, answer: a, distortion, refusalText, delayMs });
    if (!('fault' in respond)) return answer(null, respond);
    switch (respond.fault) {
      case 'rate_limit': return { kind: 'fault', ruleId, fault: { fault: 'rate_limit', retryAfterS: respond.retryAfterS ?? this.retryAfterS } };
      case 'overloaded':
      case 'server_error':
      case 'timeout': return { kind: 'fault', ruleId, fault: { fault: respond.fault } };
      case 'slow': return answer(null, respond.then ?? { text: '' }, respond.delayMs);
      case 'refusal': return answer('refusal', null, 0, respond.text ?? null);
      case 'malformed': {
        // A scripted malformed answer with content is sent verbatim; without content the stand-in invents one.
        const given = answerFrom(respond);
        return given ? answer(null, given) : answer('malformed', null);
      }
      case 'truncated':
      case 'max_tokens': return answer(respond.fault, answerFrom(respond));
    }
  }
}

function answerFrom(r: { text?: string | undefined; toolUse?: { name: string; input: Record<string, unknown> } | undefined; json?: string | undefined }): Answer | null {
  if (r.toolUse) return r.text === undefined ? { toolUse: r.toolUse } : { toolUse: r.toolUse, text: r.text };
  if (r.json !== undefined) return { json: r.json };
  if (r.text !== undefined) return { text: r.text };
  return null;
}

function toSlot(rule: ScriptRule): Slot {
  const parsed = parseOrThrow(ScriptRuleSchema, rule, 'script rule');
  let pattern: RegExp | null = null;
  if (parsed.match.matches !== undefined) {
    try {
      pattern = new RegExp(parsed.match.matches);
    } catch (err) {
      throw new UsageError(`script rule ${parsed.id}: invalid match.matches pattern`, { cause: err });
    }
  }
  return { rule: parsed, pattern, fired: 0 };
}

function assertUniqueIds(slots: readonly Slot[]): void {
  const seen = new Set<string>();
  for (const { rule } of slots) {
    if (seen.has(rule.id)) throw new UsageError(`duplicate script rule id: ${rule.id}`);
    seen.add(rule.id);
  }
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new UsageError(`invalid ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

function testText(matcher: string | RegExp, text: string, exact: boolean): boolean {
  if (typeof matcher !== 'string') return text.search(matcher) >= 0;
  return exact ? text === matcher : text.includes(matcher);
}

function matches(slot: Slot, request: ScriptRequest): boolean {
  const m: ScriptMatch = slot.rule.match;
  if (m.provider !== undefined && m.provider !== request.provider) return false;
  if (m.model !== undefined && !testText(m.model, request.model, true)) return false;
  if (m.contains !== undefined && !testText(m.contains, request.text, false)) return false;
  if (slot.pattern && !slot.pattern.test(request.text)) return false;
  if (m.tool !== undefined && request.forcedTool !== m.tool && !request.tools.some((t) => t.name === m.tool)) return false;
  return true;
}

function describeUnmatched(request: ScriptRequest, slots: readonly Slot[]): string {
  const exhausted = slots.filter((s) => s.rule.times !== undefined && s.fired >= s.rule.times).map((s) => s.rule.id);
  const preview = request.text.length > 200 ? `${request.text.slice(0, 200)}…` : request.text;
  const tools = request.tools.map((t) => t.name).join(', ') || 'none';
  return `no script rule matched: provider=${request.provider} model=${request.model} tools=[${tools}]`
    + `${exhausted.length > 0 ? ` exhausted=[${exhausted.join(', ')}]` : ''} text=${JSON.stringify(preview)}`;
}
