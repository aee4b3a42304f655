// The LLM stand-in of the scale bench's campaign with a model: the example libraries' fixes for
// the sample of fixable issues (copies of the example repositories with their one bug), and for
// every other issue an answer whose edit applies nowhere, so that issue ends without a fix.
import { startLlmStandIn, type LlmStandIn } from '../../src/sim/llm/server.js';
import { exampleScript } from '../../src/examples/demo-script.js';
import type { ScriptRequest, StaticRespond } from '../../src/sim/llm/schema.js';
import { createChaosRepos } from '../chaos/repos.js';

/** Files named for an issue of the generated world, then an edit whose search text is in no file. */
function unusableAnswer(req: ScriptRequest): StaticRespond {
  const offers = (name: string): boolean => req.forcedTool === name || req.tools.some((t) => t.name === name);
  if (offers('select_files')) return { toolUse: { name: 'select_files', input: { files: [{ path: 'src/index.js', reason: 'named in the issue' }] } } };
  return { toolUse: { name: 'propose_fix', input: { explanation: 'No change found.', edits: [{ path: 'src/index.js', search: 'a line this file does not hold', replace: '' }] } } };
}

export function startScaleLlm(): Promise<LlmStandIn> {
  return startLlmStandIn({ seed: 1, script: exampleScript(), default: unusableAnswer });
}

/** The worker's model settings: an OpenAI-compatible endpoint at the stand-in, a priced model name. */
export function modelEnv(sim: LlmStandIn, issues: number): NodeJS.ProcessEnv {
  return {
    OPENAI_BASE_URL: `${sim.url}/v1`, OPENAI_API_KEY: 'scale', GLOBALLM_OPENAI_MODEL: 'gpt-4.1-mini',
    // Every repository is the local forge owner's: its PR cap would otherwise stop the sample at five.
    GLOBALLM_MAX_OPEN_PRS_PER_OWNER: String(issues),
  };
}

/** Adds `count` fixable repositories (one issue each) to the world under `root`. */
export async function addFixableRepos(root: string, count: number): Promise<void> {
  await createChaosRepos(root, count);
}
