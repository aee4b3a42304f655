import type { Config } from '../config/load.js';
import { UsageError } from '../errors.js';
import { llmConfigured } from '../llm/registry.js';

/** The credentials a command needs before it starts work. */
export interface Needs {
  github?: boolean;
  model?: boolean;
}

const GITHUB_HINT = 'GITHUB_TOKEN or GITHUB_TOKENS (a GitHub token; against the stand-in of `npm run sim`, any value with GITHUB_API_URL pointing at it)';
const MODEL_HINT = 'a model: ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL), or OPENAI_API_KEY / OPENAI_BASE_URL';

/** A UsageError (exit 2) naming the first credential `command` lacks, instead of running empty. */
export function requireCredentials(config: Config, needs: Needs, command: string): void {
  if (needs.github && config.githubTokens.identity === undefined) throw new UsageError(`${command} needs ${GITHUB_HINT}; or use --forge local`);
  if (needs.model && !llmConfigured(config)) throw new UsageError(`${command} needs ${MODEL_HINT}; or use --analyzer offline`);
}
