/** Everything the report page shows, gathered from PostgreSQL and (when reachable) Temporal. */
export interface ReportData {
  generatedAt: string;
  campaign: string | null;
  /** Set when there is nothing to show: an unknown campaign or an empty database. */
  empty: string | null;
  funnel: FunnelStep[];
  ranked: RankedRow[];
  burn: BurnPoint[];
  byRepo: SpendRow[];
  byLanguage: SpendRow[];
  /** Spend per model the calls were priced at (a scripted stand-in's name says so: src/llm/scripted.ts). */
  byModel: SpendRow[];
  prOutcomes: CountRow[];
  stages: StageDuration[];
  /** Why stage durations are missing (Temporal not reachable), if they are. */
  stagesNote: string | null;
  runs: RunRow[];
  failures: RunRow[];
  priceDate: string;
}

export interface FunnelStep { stage: FunnelStage; count: number }
export const FUNNEL_STAGES = ['discovered', 'approved', 'issues', 'analyzed', 'enqueued', 'fixed', 'validated', 'prs', 'merged'] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export interface RankedRow { rank: number; repo: string; number: number; title: string; priority: number; terms: Record<string, number> }
export interface BurnPoint { at: string; tokens: number; usd: number }
export interface SpendRow { name: string; tokens: number; usd: number }
export interface CountRow { name: string; count: number }
export interface StageDuration { stage: string; count: number; medianMs: number; maxMs: number }
export interface RunRow {
  workflowId: string; runId: string; repo: string; number: number; result: string;
  reason: string | null; finishedAt: string | null; url: string | null;
}
