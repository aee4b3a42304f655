import { z } from 'zod';
import { CATEGORY_MULTIPLIERS, CRITICAL_BOOST, IssueCategory, MAX_CATEGORY_MULTIPLIER } from '../scoring/categories.js';
import { OUTCOME_BLEND, smoothedRate } from '../scoring/outcomes.js';
import { COMPLEXITY_MAX, HEALTH_BLEND } from '../scoring/priority.js';
import { URGENCY_CONSTANTS, URGENCY_WEIGHTS } from '../scoring/urgency.js';
import { COMPACT_FIELDS, COMPACT_VERSION } from '../db/rank-select.js';

/** One term as shown to people: input, value on 0–1, weight and what it adds. */
export interface ExplainedTerm {
  key: string;
  raw: number | string | boolean | null;
  normalised: number;
  weight: number;
  contribution: number;
}

export interface ExplainedPriority {
  total: number;
  max: number | null;
  terms: ExplainedTerm[];
  health: { total: number; terms: ExplainedTerm[] };
  urgency: { total: number; terms: ExplainedTerm[] };
  importance: { total: number; terms: ExplainedTerm[] };
  outcomes: { total: number; terms: ExplainedTerm[] };
}

/** The issue's own columns, for the raw inputs of a compact breakdown. */
export interface RankedRow {
  repoHealth: number | null;
  repoImpact: number | null;
  solvability: number | null;
  complexity: number | null;
  category: string | null;
  createdAt: Date;
  rankedAt: Date | null;
  comments: number;
  reactions: number;
}

const Term = z.object({
  key: z.string(),
  raw: z.union([z.number(), z.string(), z.boolean(), z.null()]),
  normalised: z.number(),
  weight: z.number(),
  contribution: z.number(),
});
const Sub = z.object({ total: z.number(), terms: z.array(Term) });
const FullBreakdown = z.object({ total: z.number(), max: z.number(), terms: z.array(Term), health: Sub, urgency: Sub, importance: Sub, outcomes: Sub });
const CompactBreakdown = z.array(z.number().nullable()).length(COMPACT_FIELDS.length);

const mk = (key: string, raw: ExplainedTerm['raw'], normalised: number, weight: number): ExplainedTerm => ({ key, raw, normalised, weight, contribution: normalised * weight });

/**
 * Reads a stored breakdown (the full object or the compact array) into one shape; null when
 * the issue was never ranked or the stored value is not one we wrote.
 */
export function explainBreakdown(stored: unknown, row: RankedRow): ExplainedPriority | null {
  const full = FullBreakdown.safeParse(stored);
  if (full.success) return full.data;
  const compact = CompactBreakdown.safeParse(stored);
  if (!compact.success || compact.data[0] !== COMPACT_VERSION) return null;
  const v = Object.fromEntries(COMPACT_FIELDS.map((f, i) => [f, compact.data[i] ?? null])) as Record<(typeof COMPACT_FIELDS)[number], number | null>;
  const n = (x: number | null): number => x ?? 0;
  const complexityKnown = v.complexity !== null;
  const ageDays = row.rankedAt ? Math.max(0, (row.rankedAt.getTime() - row.createdAt.getTime()) / 86_400_000) : null;
  const engagement = Math.max(0, row.comments) + URGENCY_CONSTANTS.reactionWeight * Math.max(0, row.reactions);
  const parsedCategory = IssueCategory.safeParse(row.category);
  const category = parsedCategory.success ? parsedCategory.data : 'other';
  const terms = [
    mk('health', n(v.health), n(v.health), n(v.weightHealth)),
    mk('impact', row.repoImpact, n(v.impact), n(v.weightImpact)),
    mk('solvability', row.solvability, n(v.solvability), n(v.weightSolvability)),
    mk('urgency', n(v.urgency), n(v.urgency), n(v.weightUrgency)),
    mk('importance', category, n(v.importance), n(v.weightImportance)),
    mk('outcomes', n(v.outcomes), n(v.outcomes), n(v.weightOutcomes)),
  ];
  const critical = n(v.critical) > 0;
  const repoCounts = { merged: n(v.repoMerged), closed: n(v.repoClosed) };
  const catCounts = { merged: n(v.categoryMerged), closed: n(v.categoryClosed) };
  return {
    total: terms.reduce((s, t) => s + t.contribution, 0),
    max: terms.reduce((s, t) => s + t.weight, 0),
    terms,
    health: {
      total: n(v.health),
      terms: [
        mk('repoHealth', row.repoHealth, n(v.repoHealth), complexityKnown ? HEALTH_BLEND.repository : 1),
        mk('complexity', row.complexity, n(v.complexity), complexityKnown ? HEALTH_BLEND.complexity : 0),
      ],
    },
    urgency: {
      total: n(v.urgency),
      terms: [
        mk('age', ageDays === null ? null : Math.floor(ageDays), n(v.age), URGENCY_WEIGHTS.age),
        mk('engagement', engagement, n(v.engagement), URGENCY_WEIGHTS.engagement),
      ],
    },
    importance: {
      total: n(v.importance),
      terms: [mk('category', category, n(v.category), 1), mk('critical', critical, critical ? CRITICAL_BOOST : 1, 1)],
    },
    outcomes: {
      total: n(v.outcomes),
      terms: [
        mk('repository', `${repoCounts.merged}/${repoCounts.merged + repoCounts.closed}`, smoothedRate(repoCounts), OUTCOME_BLEND.repository),
        mk('category', `${catCounts.merged}/${catCounts.merged + catCounts.closed}`, smoothedRate(catCounts), OUTCOME_BLEND.category),
      ],
    },
  };
}

const f = (x: number, digits = 3): string => x.toFixed(digits);
const find = (terms: ExplainedTerm[], key: string): ExplainedTerm | undefined => terms.find((t) => t.key === key);

function line(t: ExplainedTerm | undefined, label: string, detail: string): string {
  if (!t) return `    ${label.padEnd(12)} (missing)`;
  return `    ${label.padEnd(12)} ${f(t.normalised)} × ${f(t.weight, 2)} = ${f(t.contribution)}   ${detail}`;
}

/** A readable explanation: each term of the priority with the inputs behind it. */
export function renderExplanation(e: ExplainedPriority): string[] {
  const repoHealth = find(e.health.terms, 'repoHealth');
  const complexity = find(e.health.terms, 'complexity');
  const rawNum = (t: ExplainedTerm | undefined): string => (t && typeof t.raw === 'number' ? f(t.raw, 2) : 'unknown');
  const healthDetail = complexity && complexity.weight > 0
    ? `${HEALTH_BLEND.repository}·repo health ${rawNum(repoHealth)} + ${HEALTH_BLEND.complexity}·(1 − complexity ${rawNum(complexity)}/${COMPLEXITY_MAX})`
    : `repo health ${rawNum(repoHealth)} (complexity unknown)`;
  const impact = find(e.terms, 'impact');
  const solv = find(e.terms, 'solvability');
  const age = find(e.urgency.terms, 'age');
  const eng = find(e.urgency.terms, 'engagement');
  const parsed = IssueCategory.safeParse(find(e.importance.terms, 'category')?.raw);
  const category = parsed.success ? parsed.data : 'other';
  const critical = find(e.importance.terms, 'critical')?.raw === true;
  const urgencyDetail = `age ${age?.raw ?? '?'} d ${f(age?.normalised ?? 0, 2)}·${URGENCY_WEIGHTS.age}`
    + ` + engagement ${eng?.raw ?? '?'} ${f(eng?.normalised ?? 0, 2)}·${URGENCY_WEIGHTS.engagement}`;
  const importanceDetail = `category ${category} (×${CATEGORY_MULTIPLIERS[category]})${critical ? `, critical (×${CRITICAL_BOOST})` : ''} / ${MAX_CATEGORY_MULTIPLIER}`;
  const repoRate = find(e.outcomes.terms, 'repository');
  const catRate = find(e.outcomes.terms, 'category');
  const outcomesDetail = `merged/decided PRs: repository ${repoRate?.raw ?? '?'} → ${f(repoRate?.normalised ?? 0, 2)}, `
    + `category ${catRate?.raw ?? '?'} → ${f(catRate?.normalised ?? 0, 2)} (smoothed (merged+1)/(decided+2))`;
  return [
    line(find(e.terms, 'health'), 'health', healthDetail),
    line(impact, 'impact', impact?.raw === null ? 'repository not scored: 0' : `repository impact ${rawNum(impact)}`),
    line(solv, 'solvability', solv?.raw === null ? `not judged: fallback for ${category}` : `model estimate ${rawNum(solv)}`),
    line(find(e.terms, 'urgency'), 'urgency', urgencyDetail),
    line(find(e.terms, 'importance'), 'importance', importanceDetail),
    line(find(e.terms, 'outcomes'), 'outcomes', outcomesDetail),
  ];
}
