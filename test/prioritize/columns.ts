import type { PriorityColumns } from '../../src/scoring/priority-sql.js';

/** The issue (`i`) and repository (`r`) columns, for evaluating prioritySql beside a ranking. */
export const RERANK_PRIORITY_COLUMNS: PriorityColumns = {
  repoHealth: 'r.health',
  repoImpact: 'r.impact',
  solvability: 'i.solvability',
  complexity: 'i.complexity',
  category: 'i.category',
  createdAt: 'i.created_at',
  comments: 'i.comments',
  reactions: 'i.reactions',
};
