import { startLlmStandIn, type LlmStandIn, type ScriptRule } from '../../src/sim/llm/server.js';
import { exampleScript } from '../../src/examples/demo-script.js';

export interface ChaosLlm {
  sim: LlmStandIn;
  /** Calls `fn` right after the next fix answer leaves the stand-in (its worker is then charging the budget). */
  onNextFixAnswer(fn: () => void): void;
}

/**
 * The scripted model of the example repositories, with its faults: a seeded share of answers are
 * 429s, 529s or malformed, and one request never answers (the client times out and retries).
 */
export async function startChaosLlm(seed: number): Promise<ChaosLlm> {
  let trap: (() => void) | undefined;
  const withTrap = (rule: ScriptRule): ScriptRule => {
    const answer = rule.respond;
    if (typeof answer === 'function' || !rule.id.endsWith('-fix')) return rule;
    return { ...rule, respond: () => {
      const fire = trap;
      trap = undefined;
      if (fire) setImmediate(fire);
      return answer;
    } };
  };
  const sim = await startLlmStandIn({
    seed,
    script: [{ id: 'hang-once', match: { tool: 'select_files' }, times: 1, respond: { fault: 'timeout' } }, ...exampleScript().map(withTrap)],
    faultRate: { rate: 0.1, kinds: ['rate_limit', 'overloaded', 'malformed'], retryAfterS: 1 },
  });
  return { sim, onNextFixAnswer: (fn) => { trap = fn; } };
}
