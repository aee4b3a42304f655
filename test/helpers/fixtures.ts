import type { Pool } from 'pg';
import type { ForgeKind } from '../../src/forge/types.js';

/** A repository row as discovery would leave it. */
export async function insertRepository(pool: Pool, r: { forge?: ForgeKind; owner: string; name: string; language?: string; health?: number; impact?: number; metadata?: Record<string, unknown> }): Promise<string> {
  const res = await pool.query<{ id: string }>(
    `INSERT INTO repositories (forge, owner, name, language, status, health, impact, metadata, analyzed_at)
     VALUES ($1, $2, $3, $4, 'approved', $5, $6, $7, now()) RETURNING id::text`,
    [r.forge ?? 'local', r.owner, r.name, r.language ?? 'Python', r.health ?? 0.6, r.impact ?? 0.4, JSON.stringify(r.metadata ?? {})],
  );
  return res.rows[0]?.id as string;
}

/** An issue row as intake would leave it. */
export async function insertIssue(pool: Pool, repositoryId: string, i: { number: number; title: string; body?: string; labels?: string[]; state?: 'open' | 'skipped'; skipReason?: string; createdAt?: string }): Promise<void> {
  await pool.query(
    `INSERT INTO issues (repository_id, number, title, body, labels, created_at, updated_at, state, skip_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8)`,
    [repositoryId, i.number, i.title, i.body ?? '', i.labels ?? [], i.createdAt ?? '2026-06-01T00:00:00Z', i.state ?? 'open', i.skipReason ?? null],
  );
}
