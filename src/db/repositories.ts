/**
 * The `repositories` table: each discovered repository of a forge, its scores, filter verdicts
 * and status, the domains whose search found it, and the intake watermark in its metadata.
 */
import type { Pool } from 'pg';
import type { Queryable } from './pool.js';

/** One analyzed repository, as its columns (JSON columns already serialized). */
export interface AnalyzedRepositoryColumns {
  owner: string;
  name: string;
  language: string | null;
  stars: number;
  forks: number;
  archived: boolean;
  status: 'approved' | 'rejected';
  reject: string | null;
  metadata: string;
  health: number;
  healthBreakdown: string;
  impact: number;
  impactBreakdown: string;
}

/** Inserts or updates analyzed repositories. Other metadata keys (the intake watermark) are kept. */
export async function upsertAnalyzedRepositories(pool: Pool, forge: string, cols: readonly AnalyzedRepositoryColumns[], now: Date): Promise<void> {
  const pick = <K extends keyof AnalyzedRepositoryColumns>(k: K): Array<AnalyzedRepositoryColumns[K]> => cols.map((c) => c[k]);
  await pool.query(
    `INSERT INTO repositories (forge, owner, name, language, stars, forks, archived, status, reject_reason, metadata, health, health_breakdown, impact, impact_breakdown, analyzed_at)
     SELECT $1, o, n, l, s, f, a, st, rr, md, h, hb, i, ib, $15
     FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::bool[], $8::text[], $9::jsonb[], $10::jsonb[], $11::float8[], $12::jsonb[], $13::float8[], $14::jsonb[])
       AS t(o, n, l, s, f, a, st, rr, md, h, hb, i, ib)
     ON CONFLICT (forge, owner, name) DO UPDATE SET
       language = EXCLUDED.language, stars = EXCLUDED.stars, forks = EXCLUDED.forks, archived = EXCLUDED.archived,
       status = EXCLUDED.status, reject_reason = EXCLUDED.reject_reason,
       metadata = repositories.metadata || EXCLUDED.metadata,
       health = EXCLUDED.health, health_breakdown = EXCLUDED.health_breakdown,
       impact = EXCLUDED.impact, impact_breakdown = EXCLUDED.impact_breakdown, analyzed_at = EXCLUDED.analyzed_at`,
    [forge, pick('owner'), pick('name'), pick('language'), pick('stars'), pick('forks'), pick('archived'), pick('status'), pick('reject'),
      pick('metadata'), pick('health'), pick('healthBreakdown'), pick('impact'), pick('impactBreakdown'), now],
  );
}

/** Adds `domain` to the domains of these repositories (once). */
export async function addDomain(pool: Pool, forge: string, refs: ReadonlyArray<{ owner: string; name: string }>, domain: string): Promise<void> {
  await pool.query(
    `UPDATE repositories r SET domains = array_append(r.domains, $2)
      FROM unnest($3::text[], $4::text[]) AS t(o, n)
      WHERE r.forge = $1 AND r.owner = t.o AND r.name = t.n AND NOT ($2 = ANY (r.domains))`,
    [forge, domain, refs.map((r) => r.owner), refs.map((r) => r.name)],
  );
}

/** Records a repository as gone (inserted when unknown); `reject` and `metadata` are JSON texts. */
export async function upsertGoneRepository(pool: Pool, forge: string, ref: { owner: string; name: string }, reject: string, metadata: string, now: Date): Promise<void> {
  await pool.query(
    `INSERT INTO repositories (forge, owner, name, status, reject_reason, metadata, analyzed_at)
     VALUES ($1, $2, $3, 'gone', $4, $5, $6)
     ON CONFLICT (forge, owner, name) DO UPDATE SET status = 'gone', reject_reason = EXCLUDED.reject_reason,
       metadata = repositories.metadata || EXCLUDED.metadata, analyzed_at = EXCLUDED.analyzed_at`,
    [forge, ref.owner, ref.name, reject, metadata, now],
  );
}

/** The stored signals (unvalidated) of every repository of a forge that is not gone. */
export async function repositorySignalsRows(pool: Pool, forge: string): Promise<Array<{ id: string; owner: string; name: string; signals: unknown }>> {
  const res = await pool.query<{ id: string; owner: string; name: string; signals: unknown }>(
    `SELECT id, owner, name, metadata->'signals' AS signals FROM repositories WHERE forge = $1 AND status <> 'gone' AND metadata ? 'signals'`, [forge]);
  return res.rows;
}

/** Sets impact and its breakdown (JSON text) of repositories by id, in one statement. */
export async function updateImpacts(pool: Pool, ids: readonly string[], totals: readonly number[], breakdowns: readonly string[]): Promise<void> {
  await pool.query(
    `UPDATE repositories r SET impact = t.i, impact_breakdown = t.b FROM unnest($1::bigint[], $2::float8[], $3::jsonb[]) AS t(id, i, b) WHERE r.id = t.id`,
    [ids, totals, breakdowns],
  );
}

export interface CampaignRepositoryFilter {
  forge: string;
  language: string | null;
  limit: number;
  minHealth: number | null;
  domain: string;
  minStars: number;
}

/** Approved repositories a domain's search found, best first (the local forge has no stars). */
export async function campaignRepositories(pool: Pool, f: CampaignRepositoryFilter): Promise<Array<{ owner: string; name: string; language: string | null }>> {
  const res = await pool.query<{ owner: string; name: string; language: string | null }>(
    `SELECT owner, name, language FROM repositories
      WHERE forge = $1 AND status = 'approved' AND ($2::text IS NULL OR lower(language) = lower($2))
        AND ($4::float8 IS NULL OR health >= $4) AND $5 = ANY (domains) AND ($1 = 'local' OR coalesce(stars, 0) >= $6)
      ORDER BY impact DESC NULLS LAST, health DESC NULLS LAST, id LIMIT $3`,
    [f.forge, f.language, f.limit, f.minHealth, f.domain, f.minStars],
  );
  return res.rows;
}

/** The forge and language of a repository known under any forge (first by forge name). */
export async function findRepositoryAnyForge<F extends string>(pool: Pool, ref: { owner: string; name: string }): Promise<{ forge: F; language: string | null } | undefined> {
  const res = await pool.query<{ forge: F; language: string | null }>(
    `SELECT forge, language FROM repositories WHERE lower(owner) = lower($1) AND lower(name) = lower($2) ORDER BY forge LIMIT 1`, [ref.owner, ref.name]);
  return res.rows[0];
}

export interface RepositoryRecord {
  forge: string; owner: string; name: string; status: string; language: string | null; stars: number; archived: boolean;
  health: number | null; impact: number | null; reject_reason: { reason?: string } | null; analyzed_at: Date | null;
  health_breakdown: unknown; impact_breakdown: unknown; metadata: Record<string, unknown>;
}

/** Stored repositories, best first, optionally of one forge and status. */
export async function listRepositoryRecords(pool: Pool, f: { forge: string | null; status: string | null; limit: number }): Promise<RepositoryRecord[]> {
  const res = await pool.query<RepositoryRecord>(
    `SELECT * FROM repositories WHERE ($1::text IS NULL OR forge = $1) AND ($2::text IS NULL OR status = $2)
     ORDER BY impact DESC NULLS LAST, health DESC NULLS LAST, id LIMIT $3`,
    [f.forge, f.status, f.limit],
  );
  return res.rows;
}

export async function findRepositoryRecord(pool: Pool, forge: string, ref: { owner: string; name: string }): Promise<RepositoryRecord | undefined> {
  const res = await pool.query<RepositoryRecord>('SELECT * FROM repositories WHERE forge = $1 AND lower(owner) = lower($2) AND lower(name) = lower($3)', [forge, ref.owner, ref.name]);
  return res.rows[0];
}

export interface IntakeRepository {
  id: string;
  owner: string;
  name: string;
  watermark: string | null;
}

/** Approved repositories of a forge after `afterId`, by id, with their issue watermark. */
export async function approvedRepositoriesAfter(pool: Pool, forge: string, afterId: number): Promise<IntakeRepository[]> {
  const res = await pool.query<IntakeRepository>(
    `SELECT id, owner, name, metadata->>'issuesWatermark' AS watermark FROM repositories
     WHERE forge = $1 AND status = 'approved' AND id > $2 ORDER BY id`,
    [forge, afterId],
  );
  return res.rows;
}

/** Marks a repository gone by id; `reject` is a JSON text. */
export async function markRepositoryGone(db: Queryable, id: string, reject: string): Promise<void> {
  await db.query(`UPDATE repositories SET status = 'gone', reject_reason = $2 WHERE id = $1`, [id, reject]);
}

/** Records how far issue intake has read a repository, and when. */
export async function setIssuesWatermark(db: Queryable, id: string, watermark: string, takenAt: string): Promise<void> {
  await db.query(`UPDATE repositories SET metadata = metadata || jsonb_build_object('issuesWatermark', $2::text, 'issuesTakenAt', $3::text) WHERE id = $1`, [id, watermark, takenAt]);
}
