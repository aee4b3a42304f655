import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { DOMAIN_NAMES, LANGUAGES, canonicalLanguage } from '../discovery/domains.js';
import { ForgeKind } from '../forge/types.js';
import { DEFAULT_IN_FLIGHT } from '../workflows/fan-out-window.js';

const count = (max: number) => z.coerce.number().int().min(1).max(max);

/** Everything a campaign can be told, from the CLI or from TypeScript; unknown keys are refused. */
export const CampaignOptions = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes').optional(),
  forge: ForgeKind.default('github'),
  domain: z.enum(DOMAIN_NAMES as [string, ...string[]], { message: `expected one of ${DOMAIN_NAMES.join(', ')}` }).default('overall'),
  language: z.string().transform((v, ctx) => {
    const lang = canonicalLanguage(v);
    if (!lang) {
      ctx.addIssue({ code: 'custom', message: `unknown language "${v}"; valid: ${LANGUAGES.join(', ')}` });
      return z.NEVER;
    }
    return lang;
  }).optional(),
  minStars: z.coerce.number().int().min(0).default(100),
  /** Repositories under this health (0–1) are rejected, however they were approved before. */
  minHealth: z.coerce.number().min(0).max(1).optional(),
  maxRepos: count(10_000).default(20),
  maxIssues: count(100_000).default(50),
  tokenBudget: z.coerce.number().int().min(0).default(1_000_000),
  /** A dollar cap beside the token cap (absent: none). */
  usdBudget: z.coerce.number().min(0).max(99_999_999).optional(),
  analyzer: z.enum(['offline', 'llm', 'auto']).default('auto'),
  dryRun: z.boolean().default(false),
  /** Issues out at their repositories at once, one per repository; the rest wait in the campaign, best first. */
  inFlight: count(10_000).default(DEFAULT_IN_FLIGHT),
  wait: z.boolean().default(false),
}).strict();
export type CampaignOptions = z.input<typeof CampaignOptions>;
export type ParsedCampaignOptions = z.output<typeof CampaignOptions>;

/** Validates campaign options; a bad one is a UsageError naming the option, and nothing starts. */
export function parseCampaignOptions(options: unknown): ParsedCampaignOptions {
  const parsed = CampaignOptions.safeParse(options);
  if (!parsed.success) {
    throw new UsageError(`invalid campaign options: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

/** A campaign id typed by a person (`campaign status|cancel <id>`); a malformed one is a UsageError. */
export function parseCampaignId(text: string): string {
  const r = CampaignOptions.shape.id.safeParse(text);
  if (!r.success || r.data === undefined) throw new UsageError(`invalid campaign id "${text}": lowercase letters, digits and dashes`);
  return r.data;
}

export function newCampaignId(now: Date = new Date()): string {
  return `c-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
}
