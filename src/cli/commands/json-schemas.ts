/**
 * The documented shape of every `--json` output, one zod schema per command, each with the
 * `schemaVersion` the document carries (src/cli/output.ts). Lists are under a named key; `triage`
 * prints JSON Lines, one record per input line. Nested breakdowns are passed through as they are
 * stored; their own shapes live beside the code that computes them.
 */
import { z } from 'zod';
import { IssueAnalysis } from '../../analysis/schema.js';
import { ValidationReport } from '../../fix/validate/schema.js';
import { JSON_SCHEMA_VERSION } from '../output.js';
import { ForgeKind } from '../../forge/types.js';

const Versioned = z.object({ schemaVersion: z.literal(JSON_SCHEMA_VERSION) });
const doc = <T extends z.ZodRawShape>(shape: T) => Versioned.extend(shape);
const iso = z.string().datetime({ offset: true });
const count = z.number().int().nonnegative();
const score = z.number().min(0).max(1).nullable();
const OUTCOMES = ['pr_opened', 'skipped', 'failed', 'no_fix', 'dry_run', 'already_claimed'] as const;

export const StatusJson = doc({
  healthy: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), latencyMs: z.number().nonnegative(), detail: z.string() })).min(1),
  migration: z.string().optional(),
  pollers: z.record(z.string(), z.array(z.string())),
  /** Prometheus endpoints of the workers polling now. */
  metrics: z.array(z.object({ identity: z.string(), url: z.string() })),
  /** The Temporal connection profile in use (`default` unless TEMPORAL_PROFILE names another). */
  temporalProfile: z.string(),
});

export const DoctorJson = doc({
  ok: z.boolean(),
  workflowId: z.string().startsWith('doctor/'),
  hops: z.array(z.object({ name: z.string(), ok: z.boolean(), latencyMs: z.number().nonnegative(), detail: z.string() })).min(1),
});

export const DiscoverJson = doc({
  matched: count, queries: count, analyzed: count, approved: count, rejected: count, gone: count,
  rejectedBy: z.record(z.string(), count),
  search: z.object({ minStars: count, pushedSince: z.string().regex(/^\d{4}-\d\d-\d\d$/).optional(), language: z.string().optional(), topic: z.string().optional() }),
  graph: z.object({ repositories: count, graphNodes: count, graphEdges: count }),
});

const RepositoryRow = z.object({
  forge: ForgeKind, repo: z.string().regex(/^[^/\s]+\/[^/\s]+$/), status: z.enum(['discovered', 'approved', 'rejected', 'gone']),
  language: z.string().nullable(), stars: count.nullable(), health: score, impact: score, reason: z.string().nullable(), analyzed_at: iso.nullable(),
});

export const ReposListJson = doc({ repositories: z.array(RepositoryRow) });

/** `repos show` and `score`: one repository with its breakdowns and filter verdicts. */
export const RepositoryJson = Versioned.merge(RepositoryRow).extend({
  archived: z.boolean().nullable(),
  health_breakdown: z.unknown(), impact_breakdown: z.unknown(),
  filters: z.array(z.object({ filter: z.string(), keep: z.boolean(), reason: z.string().nullable() })).nullable(),
  library: z.unknown(), gone: z.unknown(), issues_watermark: iso.nullable(),
});

/** One line of `triage --json`: an analysis, or the line's error. */
export const TriageLineJson = z.union([
  doc({ line: z.number().int().positive(), repo: z.string().optional(), number: z.number().int().positive().optional(), analysis: IssueAnalysis, note: z.string().optional() }).strict(),
  doc({ line: z.number().int().positive(), error: z.string().min(1) }).strict(),
]);

export const IssuesListJson = doc({
  issues: z.array(z.object({
    rank: z.number().int().positive(), repo: z.string(), number: z.number().int().positive(), title: z.string(),
    category: z.string().nullable(), priority: z.number(), rankedAt: iso.nullable(), explanation: z.unknown().optional(),
  })),
});

export const RerankJson = doc({ mode: z.enum(['full', 'partial']), updated: count, rankedAt: iso, ms: z.number().nonnegative() });

const usd = z.number().nonnegative();
const TokenScope = z.object({
  scope: z.string(), limit: count, used: count, reserved: count, overshoot: count, remaining: count,
  usedUsd: usd, reservedUsd: usd, limitUsd: usd.nullable(), remainingUsd: usd.nullable(),
});
export const BudgetJson = doc({
  periodStart: iso,
  week: TokenScope,
  repositories: z.array(TokenScope),
  languages: z.array(TokenScope.extend({ language: z.string(), issuesLimit: count, issuesUsed: count, issuesRemaining: count })),
  heldReservations: count,
});

export const ValidateJson = Versioned.merge(ValidationReport);

export const CampaignStartJson = doc({ id: z.string(), workflowId: z.string().startsWith('campaign/'), runId: z.string().min(1) });

/** `campaign status` and `campaign start --wait`. */
export const CampaignProgressJson = doc({
  id: z.string(),
  phase: z.enum(['discover', 'intake', 'analyze', 'rerank', 'fan_out', 'working', 'done']),
  repos: count, rejected: count, rejectedBy: z.record(z.string(), count).optional(),
  issues: count, analyzed: count, analyzer: z.string().optional(), enqueued: count, finished: count,
  /** Enqueued issues not yet sent to their repository (the campaign's window is full). */
  waiting: count.optional(),
  /** The most issues out at repositories at once. */
  peakInFlight: count.optional(),
  outcomes: z.partialRecord(z.enum(OUTCOMES), count),
  notes: z.array(z.string()),
});

export const RepoStatusJson = doc({
  repo: z.string(), paused: z.boolean(), pauseReason: z.string().optional(),
  queued: z.array(z.number().int().positive()), running: z.array(z.number().int().positive()),
  finished: z.array(z.object({ number: z.number().int().positive(), outcome: z.enum(OUTCOMES), detail: z.string().optional() })),
  limits: z.object({ maxConcurrent: z.number().int().positive() }),
});

export const PrsListJson = doc({
  pullRequests: z.array(z.object({
    forge: ForgeKind, repo: z.string(), issue: z.number().int().positive(), number: z.number().int().positive().nullable(),
    state: z.enum(['preview', 'pending', 'draft', 'open', 'merged', 'closed', 'failed']), branch: z.string(), url: z.string().nullable(),
    title: z.string().nullable(), model: z.string().nullable(), last_error: z.string().nullable(), updated_at: iso,
    /** A newer fix of ours replaced this one; `replaced_by` is its PR number once it has one. */
    superseded: z.boolean(), replaced_by: z.number().int().positive().nullable(),
  })),
});

/** Every command that takes `--json`, with its schema: what the README walkthrough checks. */
export const JSON_OUTPUTS = {
  'status': StatusJson,
  'doctor': DoctorJson,
  'discover': DiscoverJson,
  'score': RepositoryJson,
  'repos list': ReposListJson,
  'repos show': RepositoryJson,
  'triage': TriageLineJson,
  'issues list': IssuesListJson,
  'issues rerank': RerankJson,
  'budget show': BudgetJson,
  'validate': ValidateJson,
  'campaign start': CampaignStartJson,
  'campaign start --wait': CampaignProgressJson,
  'campaign status': CampaignProgressJson,
  'repo status': RepoStatusJson,
  'prs list': PrsListJson,
} as const satisfies Record<string, z.ZodType>;
