import { CATEGORY_MULTIPLIERS, CRITICAL_BOOST, FALLBACK_SOLVABILITY, IssueCategory, MAX_CATEGORY_MULTIPLIER } from '../scoring/categories.js';
import { OUTCOME_BLEND, OUTCOME_PRIOR } from '../scoring/outcomes.js';
import { COMPLEXITY_MAX, HEALTH_BLEND } from '../scoring/priority.js';
import type { PriorityWeights } from '../scoring/schema.js';
import { URGENCY_CONSTANTS, URGENCY_WEIGHTS } from '../scoring/urgency.js';
import { CATEGORY_OUTCOMES_SQL, REPO_OUTCOMES_SQL } from './outcomes.js';
import type { SqlParams } from './sql-params.js';

/**
 * The priority of computePriority (scoring/priority.ts, scoring/urgency.ts) and its compact breakdown as one
 * PostgreSQL SELECT over open issues joined with their repositories. Every weight, multiplier
 * and constant is a parameter taken from the same TypeScript constants as computePriority; tests
 * compare each row with it.
 *
 * Each term is evaluated once per row: the issue terms in an inner subquery (which parallel
 * workers can compute below the Gather), the blended health and urgency above it, and the total
 * as the weighted sum of those terms (so the total always equals the sum of the contributions
 * explained). `OFFSET 0` keeps PostgreSQL from folding the subqueries together, which would
 * evaluate every term again inside the total (measured: about 45% more CPU).
 */
const clamp = (x: string): string => `LEAST(GREATEST(${x}, 0), 1)`;

const LABELS = IssueCategory.options.filter((c) => c !== 'other');
for (const c of LABELS) if (!/^[a-z_]+$/.test(c)) throw new Error(`unexpected category label ${c}`);

function categoryCase(col: string, p: SqlParams, table: Readonly<Record<IssueCategory, number>>): string {
  return `(CASE ${col} ${LABELS.map((c) => `WHEN '${c}' THEN ${p.num(table[c])}`).join(' ')} ELSE ${p.num(table.other)} END)`;
}

/** Positions in the compact breakdown array (the `breakdown` column of issue_ranks). */
export const COMPACT_FIELDS = [
  'version', 'health', 'impact', 'solvability', 'urgency', 'importance', 'outcomes',
  'repoHealth', 'complexity', 'category', 'critical', 'age', 'engagement',
  'repoMerged', 'repoClosed', 'categoryMerged', 'categoryClosed',
  'weightHealth', 'weightImpact', 'weightSolvability', 'weightUrgency', 'weightImportance', 'weightOutcomes',
] as const;
export const COMPACT_VERSION = 2;

/** The columns rankSelectSql yields, in order (and the columns of issue_ranks). */
export const RANK_COLUMNS = ['issue_id', 'priority', 'breakdown', 'ranked_at'] as const;

/**
 * `SELECT issue_id, priority, breakdown, ranked_at` for the open issues matching `issueFilter`
 * (an SQL condition over `i`, built with the same SqlParams, or `TRUE`). `breakdown` is a
 * `double precision[]` in COMPACT_FIELDS order: every normalised term value (complexity NULL
 * when unknown, health then being the repository's alone; category the multiplier / the largest;
 * critical 0 or 1), the outcome counts and the six weights, so each
 * contribution is value × weight; prioritize/explain.ts expands it with the row's raw inputs.
 */
export function rankSelectSql(now: Date, weights: PriorityWeights, p: SqlParams, issueFilter = 'TRUE'): string {
  const nowTs = p.timestamp(now);
  const nowEpoch = `date_part('epoch', ${nowTs})`;
  const cmax = p.num(COMPLEXITY_MAX);
  const engagementRaw = `(GREATEST(i.comments, 0) + ${p.num(URGENCY_CONSTANTS.reactionWeight)} * GREATEST(i.reactions, 0))`;
  const smoothed = (merged: string, closed: string): string =>
    `((COALESCE(${merged}, 0) + ${p.num(OUTCOME_PRIOR.merged)}) / (COALESCE(${merged}, 0) + COALESCE(${closed}, 0) + ${p.num(OUTCOME_PRIOR.decided)}))`;
  const issueTerms = [
    'i.id AS issue_id',
    'r.repo_health',
    'r.impact',
    `(CASE WHEN i.complexity IS NULL THEN NULL ELSE 1 - LEAST(GREATEST(i.complexity::double precision, 0), ${cmax}) / ${cmax} END) AS complexity`,
    `${clamp(`COALESCE(i.solvability, ${categoryCase('i.category', p, FALLBACK_SOLVABILITY)})`)} AS solvability`,
    `(${categoryCase('i.category', p, CATEGORY_MULTIPLIERS)} / ${p.num(MAX_CATEGORY_MULTIPLIER)}) AS category`,
    `(CASE WHEN i.critical THEN 1 ELSE 0 END)::double precision AS critical`,
    `LEAST(GREATEST((${nowEpoch} - date_part('epoch', i.created_at)) / 86400.0, 0) / ${p.num(URGENCY_CONSTANTS.ageFullDays)}, 1) AS age`,
    `(LN(1 + ${engagementRaw}) / LN(1 + GREATEST(${engagementRaw}, ${p.num(URGENCY_CONSTANTS.engagementCap)}))) AS engagement`,
    'COALESCE(ro.merged, 0)::double precision AS repo_merged', 'COALESCE(ro.closed, 0)::double precision AS repo_closed',
    'COALESCE(co.merged, 0)::double precision AS category_merged', 'COALESCE(co.closed, 0)::double precision AS category_closed',
    `(${p.num(OUTCOME_BLEND.repository)} * ${smoothed('ro.merged', 'ro.closed')} + ${p.num(OUTCOME_BLEND.category)} * ${smoothed('co.merged', 'co.closed')}) AS outcomes`,
  ];
  const repos = `SELECT id, ${clamp('COALESCE(health, 0)')} AS repo_health, ${clamp('COALESCE(impact, 0)')} AS impact FROM repositories`;
  const outcomeJoins = `LEFT JOIN (${REPO_OUTCOMES_SQL}) ro ON ro.repository_id = i.repository_id LEFT JOIN (${CATEGORY_OUTCOMES_SQL}) co ON co.category = i.category`;
  const inner = `SELECT ${issueTerms.join(', ')} FROM issues i JOIN (${repos}) r ON r.id = i.repository_id ${outcomeJoins} WHERE i.state = 'open' AND (${issueFilter}) OFFSET 0`;
  const health = `(CASE WHEN b.complexity IS NULL THEN b.repo_health ELSE ${clamp(`${p.num(HEALTH_BLEND.repository)} * b.repo_health + ${p.num(HEALTH_BLEND.complexity)} * b.complexity`)} END)`;
  const urgency = clamp(`${p.num(URGENCY_WEIGHTS.age)} * b.age + ${p.num(URGENCY_WEIGHTS.engagement)} * b.engagement`);
  const importance = `(b.category * (CASE WHEN b.critical > 0 THEN ${p.num(CRITICAL_BOOST)} ELSE 1 END))`;
  const blended = `SELECT b.*, ${health} AS health, ${urgency} AS urgency, ${importance} AS importance FROM (${inner}) b OFFSET 0`;
  const w = {
    health: p.num(weights.health), impact: p.num(weights.impact), solvability: p.num(weights.solvability),
    urgency: p.num(weights.urgency), importance: p.num(weights.importance), outcomes: p.num(weights.outcomes),
  };
  const priority = `(${w.health} * t.health + ${w.impact} * t.impact + ${w.solvability} * t.solvability + ${w.urgency} * t.urgency + ${w.importance} * t.importance + ${w.outcomes} * t.outcomes)`;
  const breakdown = `ARRAY[${p.num(COMPACT_VERSION)}, t.health, t.impact, t.solvability, t.urgency, t.importance, t.outcomes, t.repo_health, t.complexity, t.category, t.critical, t.age, t.engagement, `
    + `t.repo_merged, t.repo_closed, t.category_merged, t.category_closed, ${w.health}, ${w.impact}, ${w.solvability}, ${w.urgency}, ${w.importance}, ${w.outcomes}]`;
  return `SELECT t.issue_id, ${priority} AS priority, ${breakdown} AS breakdown, ${nowTs} AS ranked_at FROM (${blended}) t`;
}
