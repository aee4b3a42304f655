import { UsageError } from '../errors.js';
import { CATEGORY_MULTIPLIERS, FALLBACK_SOLVABILITY, IssueCategory, MAX_CATEGORY_MULTIPLIER } from './categories.js';
import { COMPLEXITY_MAX, HEALTH_BLEND } from './priority.js';
import { DEFAULT_PRIORITY_WEIGHTS, type PriorityWeights } from './schema.js';
import { URGENCY_CONSTANTS, URGENCY_WEIGHTS } from './urgency.js';

/** Column (or `alias.column`) names the expression reads. */
export interface PriorityColumns {
  repoHealth: string;
  repoImpact: string;
  solvability: string;
  complexity: string;
  category: string;
  createdAt: string;
  comments: string;
  reactions: string;
}

export const DEFAULT_PRIORITY_COLUMNS: PriorityColumns = {
  repoHealth: 'repo_health',
  repoImpact: 'repo_impact',
  solvability: 'solvability',
  complexity: 'complexity',
  category: 'category',
  createdAt: 'created_at',
  comments: 'comments',
  reactions: 'reactions',
};

export interface SqlFragment {
  /** An SQL expression with `$n` placeholders. */
  sql: string;
  /** Values for the placeholders, in order, starting at `firstParam`. */
  params: Array<number | string>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

function quoteColumn(name: string): string {
  const parts = name.split('.');
  if (parts.length > 2 || !parts.every((p) => IDENT.test(p))) throw new UsageError(`not a plain column name: ${JSON.stringify(name)}`);
  return parts.map((p) => `"${p}"`).join('.');
}

class Params {
  readonly values: Array<number | string> = [];
  constructor(private readonly first: number) {}
  num(v: number): string {
    if (!Number.isFinite(v)) throw new UsageError(`non-finite SQL parameter ${v}`);
    this.values.push(v);
    return `$${this.first + this.values.length - 1}::double precision`;
  }
  timestamp(v: Date): string {
    this.values.push(v.toISOString());
    return `$${this.first + this.values.length - 1}::timestamptz`;
  }
}

const clamp = (x: string): string => `LEAST(GREATEST(${x}, 0), 1)`;

function categoryCase(col: string, p: Params, table: Readonly<Record<IssueCategory, number>>): string {
  // Category labels are our own enum values (checked below), so they may be inlined.
  const arms = IssueCategory.options
    .filter((c) => c !== 'other')
    .map((c) => {
      if (!/^[a-z_]+$/.test(c)) throw new Error(`unexpected category label ${c}`);
      return `WHEN '${c}' THEN ${p.num(table[c])}`;
    });
  return `(CASE ${col} ${arms.join(' ')} ELSE ${p.num(table.other)} END)`;
}

/**
 * The priority formula of priority.ts as one PostgreSQL expression, for a set-based
 * `UPDATE issues SET priority = <sql> FROM … WHERE …` over millions of rows. Every weight,
 * multiplier and constant is a numeric parameter taken from the same constants as
 * computePriority, so the two cannot drift apart silently; `now` is a parameter too.
 */
export function prioritySql(
  now: Date,
  weights: PriorityWeights = DEFAULT_PRIORITY_WEIGHTS,
  columns: PriorityColumns = DEFAULT_PRIORITY_COLUMNS,
  firstParam = 1,
): SqlFragment {
  if (!Number.isInteger(firstParam) || firstParam < 1) throw new UsageError('firstParam must be a positive integer');
  if (Number.isNaN(now.getTime())) throw new UsageError('now is not a valid date');
  const c = Object.fromEntries((Object.entries(columns) as Array<[keyof PriorityColumns, string]>).map(([k, v]) => [k, quoteColumn(v)])) as unknown as PriorityColumns;
  const p = new Params(firstParam);

  const repoHealth = clamp(`COALESCE(${c.repoHealth}, 0)`);
  const complexity = `LEAST(GREATEST(${c.complexity}, 0), ${p.num(COMPLEXITY_MAX)})`;
  const health = `(CASE WHEN ${c.complexity} IS NULL THEN ${repoHealth} ELSE ${p.num(HEALTH_BLEND.repository)} * ${repoHealth} + ${p.num(HEALTH_BLEND.complexity)} * (1 - ${complexity} / ${p.num(COMPLEXITY_MAX)}) END)`;
  const impact = clamp(`COALESCE(${c.repoImpact}, 0)`);
  const solvability = clamp(`COALESCE(${c.solvability}, ${categoryCase(c.category, p, FALLBACK_SOLVABILITY)})`);

  const category = `${categoryCase(c.category, p, CATEGORY_MULTIPLIERS)} / ${p.num(MAX_CATEGORY_MULTIPLIER)}`;
  const ageDays = `GREATEST(EXTRACT(EPOCH FROM (${p.timestamp(now)} - ${c.createdAt})) / 86400.0, 0)`;
  const age = `COALESCE(LEAST(${ageDays} / ${p.num(URGENCY_CONSTANTS.ageFullDays)}, 1), 0)`;
  const engagement = `(GREATEST(COALESCE(${c.comments}, 0), 0) + ${p.num(URGENCY_CONSTANTS.reactionWeight)} * GREATEST(COALESCE(${c.reactions}, 0), 0))`;
  const engagementScaled = `(LN(1 + ${engagement}) / LN(1 + GREATEST(${engagement}, ${p.num(URGENCY_CONSTANTS.engagementCap)})))`;
  const urgency = `(${p.num(URGENCY_WEIGHTS.category)} * ${category} + ${p.num(URGENCY_WEIGHTS.age)} * ${age} + ${p.num(URGENCY_WEIGHTS.engagement)} * ${engagementScaled})`;

  const sql = `(${p.num(weights.health)} * ${health} + ${p.num(weights.impact)} * ${impact} + ${p.num(weights.solvability)} * ${solvability} + ${p.num(weights.urgency)} * ${urgency})`;
  return { sql, params: p.values };
}
