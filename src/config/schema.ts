import { z } from 'zod';
import { LOG_FORMATS } from '../log-format.js';
import { ScheduledDiscoveryOptions } from '../campaign/schedule-options.js';
import { GitHubTokenList } from './github-tokens.js';

const port = z.coerce.number().int().min(1).max(65535);
const optionalUrl = z.string().url().optional();

/** A JSON object in one variable, checked against `schema`. */
const jsonOf = <T extends z.ZodType>(schema: T) => z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected a JSON object' });
    return z.NEVER;
  }
}).pipe(schema);

/**
 * Every environment variable GlobaLLM reads, with its default. Parsed once at start-up;
 * the result is passed down as a value, never re-read from `process.env` deep inside.
 */
export const EnvConfig = z.object({
  GLOBALLM_STATE_DIR: z.string().min(1).default('.globallm'),
  DATABASE_URL: z.string().url().optional(),
  GLOBALLM_PG_PORT: port.default(54329),
  TEMPORAL_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'expected host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  GLOBALLM_TEMPORAL_PORT: port.default(7233),
  GLOBALLM_TEMPORAL_UI_PORT: port.default(8233),
  TEMPORAL_UI_URL: optionalUrl,
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  GLOBALLM_TASK_QUEUE_PREFIX: z.string().regex(/^[a-z0-9-]+$/).default('globallm'),
  GLOBALLM_RETENTION_HOURS: z.coerce.number().int().min(24).default(720),
  GITHUB_TOKEN: z.string().min(1).optional(),
  /** More GitHub tokens, comma-separated: reads are spread over them and GITHUB_TOKEN (src/config/github-tokens.ts). */
  GITHUB_TOKENS: GitHubTokenList.optional(),
  GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  ANTHROPIC_BASE_URL: optionalUrl,
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: optionalUrl,
  GLOBALLM_LLM_PROVIDER: z.enum(['anthropic', 'openai']).optional(),
  /**
   * Whether the OpenAI endpoint keeps stored completions: each paid call is then sent with
   * `store: true` and its budget hold in metadata, so a hold whose answer a dead worker never
   * recorded is charged what the provider billed. `auto`: on for api.openai.com only.
   */
  GLOBALLM_OPENAI_STORE_COMPLETIONS: z.enum(['auto', 'true', 'false']).default('auto'),
  GLOBALLM_ANTHROPIC_MODEL: z.string().min(1).default('claude-haiku-4-5'),
  GLOBALLM_OPENAI_MODEL: z.string().min(1).default('gpt-4o-mini'),
  GITHUB_LOGIN: z.string().min(1).optional(),
  /** Local forge: every git repository directly under this folder (default: <state>/repos). */
  GLOBALLM_LOCAL_ROOT: z.string().min(1).optional(),
  /** Mirrors, worktrees and repository models (default: <state>/cache). */
  GLOBALLM_CACHE_DIR: z.string().min(1).optional(),
  GLOBALLM_FIX_CANDIDATES: z.coerce.number().int().min(1).max(8).default(1),
  /** The longest answer (in tokens) the fix stage asks the model for; a larger change needs a larger answer. */
  GLOBALLM_FIX_MAX_OUTPUT_TOKENS: z.coerce.number().int().min(1024).max(128_000).default(8192),
  /**
   * Prepared dependency environments (installed node_modules, virtualenvs, module caches). They
   * are mounted into the sandbox, whose unprivileged user must be able to reach them, so the
   * default is outside any home folder.
   */
  GLOBALLM_ENV_CACHE_DIR: z.string().min(1).default('/var/tmp/globallm-envs'),
  /** Prepared dependency environments are kept up to this size in total (MiB), least recently used evicted first. */
  GLOBALLM_ENV_CACHE_MB: z.coerce.number().int().min(256).default(20_480),
  /** Extra package-registry host names installs may reach, comma-separated (mirrors, private registries). */
  GLOBALLM_REGISTRY_HOSTS: z.string().regex(/^[A-Za-z0-9.,-]*$/, 'host names separated by commas').default('').transform((v) => v.split(',').map((h) => h.trim()).filter(Boolean)),
  /** Open a fix that breaks nothing but that no test proves as a draft that says so (default: never open it). */
  GLOBALLM_OPEN_UNPROVEN: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  /** Test runs in the sandbox at once on each worker's sandbox queue. */
  GLOBALLM_SANDBOX_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(1),
  GLOBALLM_MAX_OPEN_PRS_PER_REPO: z.coerce.number().int().min(0).default(1),
  GLOBALLM_MAX_OPEN_PRS_PER_OWNER: z.coerce.number().int().min(0).default(3),
  GLOBALLM_REQUIRE_OPT_IN: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  GLOBALLM_BUDGET_WEEKLY_TOKENS: z.coerce.number().int().min(0).default(5_000_000),
  GLOBALLM_BUDGET_REPO_TOKENS: z.coerce.number().int().min(0).default(100_000),
  /** Dollar caps a week (priced by the price table), beside the token caps; unset: none. */
  GLOBALLM_BUDGET_WEEKLY_USD: z.coerce.number().min(0).finite().optional(),
  GLOBALLM_BUDGET_REPO_USD: z.coerce.number().min(0).finite().optional(),
  GLOBALLM_BUDGET_LANGUAGE_USD: z.coerce.number().min(0).finite().optional(),
  /** A JSON or TOML price table laid over the defaults (src/pricing/defaults.ts). */
  GLOBALLM_PRICES_FILE: z.string().min(1).optional(),
  GLOBALLM_BUDGET_LANGUAGE_ISSUES: z.coerce.number().int().min(0).default(50),
  /** Where each worker process serves Prometheus metrics (port 0: a free port, listed by `status --json`). */
  GLOBALLM_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  GLOBALLM_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Loopback port where `up` serves the report live (0: a free port, printed in the ready line). */
  GLOBALLM_REPORT_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Hours before an issue that ended without a PR (no fix, skipped, failed by an outage) may be tried again. */
  GLOBALLM_RETRY_AFTER_HOURS: z.coerce.number().min(0).max(24 * 365).default(24),
  /** Activity dispatches per second on the GitHub task queue, across every worker (a safety net under GitHub's own limits). */
  GLOBALLM_GITHUB_QUEUE_RATE: z.coerce.number().positive('must be above 0').max(10_000).default(5),
  /** The discovery schedule's options as JSON (src/campaign/schedule-options.ts); unset: the ones the schedule holds. */
  GLOBALLM_DISCOVERY_SCHEDULE: jsonOf(ScheduledDiscoveryOptions).optional(),
  GLOBALLM_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  /** Same as the `--log-format` flag. */
  GLOBALLM_LOG_FORMAT: z.enum(LOG_FORMATS).default('auto'),
});
export type EnvConfig = z.infer<typeof EnvConfig>;
