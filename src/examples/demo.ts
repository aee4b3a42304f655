import type { Pool } from 'pg';
import type { Config } from '../config/load.js';
import { PrBodyInput } from '../contribute/pr-body.js';
import { listPrRows, type PrRow } from '../db/pull-requests.js';
import { modelOfPr } from '../contribute/pr-body.js';
import { UsageError } from '../errors.js';
import { describeModel, SCRIPTED_DEMO_MODEL, scriptedModelNote } from '../llm/scripted.js';
import { setProcessLogFields } from '../log.js';
import { startLlmStandIn } from '../sim/llm/server.js';
import type { CampaignProgress } from '../workflows/campaign.js';
import { exampleScript } from './demo-script.js';

/** Settings that name a real model: `--demo` refuses to run beside them rather than hide them. */
const MODEL_KEYS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'GLOBALLM_LLM_PROVIDER'] as const;

export function refuseConfiguredModel(config: Config): void {
  const set = MODEL_KEYS.filter((key) => config[key] !== undefined);
  if (set.length === 0) return;
  throw new UsageError(`--demo scripts the model itself, but a model is configured (${set.join(', ')}): unset ${set.length > 1 ? 'them' : 'it'} for the demo, or drop --demo to use that model`);
}

export interface DemoModel {
  /** The configuration with the scripted model in place of a real one. */
  config: Config;
  /** What `up` prints first: the model is scripted. */
  note: string;
  close(): Promise<void>;
}

/**
 * The demo's model: the LLM stand-in, in this process, answering the example issues from
 * `exampleScript()` under the model name `scripted-demo`, which every record of its calls keeps
 * and every log line of the process carries.
 */
export async function startDemoModel(config: Config): Promise<DemoModel> {
  refuseConfiguredModel(config);
  const sim = await startLlmStandIn({ script: exampleScript() });
  setProcessLogFields({ model: describeModel(SCRIPTED_DEMO_MODEL) });
  return {
    // No API key: the stand-in needs none, and a key would be redacted from PRs as a secret.
    config: { ...config, OPENAI_BASE_URL: `${sim.url}/v1`, GLOBALLM_OPENAI_MODEL: SCRIPTED_DEMO_MODEL, GLOBALLM_LLM_PROVIDER: 'openai' },
    note: `demo: ${scriptedModelNote(SCRIPTED_DEMO_MODEL) ?? ''} Analysis, ranking, the repo map, edits, the sandboxed tests, consent and the PRs on the local forge are real.`,
    close: () => sim.close(),
  };
}

const Evidence = PrBodyInput.shape.evidence;

/** One line per PR the demo opened: where, what the sandbox showed, and which model wrote it. */
export function describeDemoPr(row: PrRow): string {
  const evidence = Evidence.safeParse(row.evidence);
  const proven = evidence.success ? evidence.data.failedBefore.filter((t) => evidence.data.passedAfter.includes(t)) : [];
  const tests = proven.length === 0 ? 'no test failed before and passes after' : `${proven.length} test(s) failed before the fix and pass after it (${proven.join(', ')})`;
  return `demo: ${row.state} PR #${row.number ?? '?'} for ${row.owner}/${row.name}#${row.issue_number} on branch ${row.branch}: ${tests}; model ${describeModel(modelOfPr(row) ?? 'not recorded')}`;
}

/** What `up --demo` prints when its campaign finished: every PR opened on the local forge, then where to look. */
export async function demoSummary(pool: Pool, progress: CampaignProgress): Promise<string> {
  const rows = (await listPrRows(pool)).filter((r) => r.forge === 'local' && (r.state === 'draft' || r.state === 'open'));
  const outcomes = Object.entries(progress.outcomes).map(([k, v]) => `${k} ${v}`).join(', ');
  const none = 'demo: no pull request opened; the example issues are taken once per state directory: run the demo on a fresh one (GLOBALLM_STATE_DIR=.globallm-demo globallm up --demo)';
  return [
    ...(rows.length === 0 ? [none] : rows.map(describeDemoPr)),
    `demo: finished ${progress.finished} of ${progress.enqueued} issues (${outcomes || 'none'}): globallm prs list, globallm prs preview local/slugkit#1, globallm report`,
  ].join('\n');
}
