import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { logger } from '../../log.js';
import type { ForgeIssue } from '../types.js';

const log = logger.child({ component: 'local-issues' });

/**
 * Issues of a local repository live in `.globallm/issues.jsonl` in its working tree: one JSON
 * object per line (blank lines and lines starting with `#` are ignored), validated below.
 *
 *   {"number": 1, "title": "Crash on empty input", "body": "...", "labels": ["bug"],
 *    "createdAt": "2025-01-02T10:00:00Z", "updatedAt": "2025-01-03T10:00:00Z",
 *    "state": "open", "author": "alice", "authorAssociation": "MEMBER",
 *    "assignees": [], "reactions": 3, "locked": false, "pullRequest": false,
 *    "closedAt": null, "linkedPullRequests": [{"number": 7, "state": "OPEN"}],
 *    "comments": [{"author": "bob", "body": "I'll take this", "createdAt": "2025-01-03T10:00:00Z"}]}
 *
 * Only number, title and createdAt are required. A malformed line is logged and skipped.
 */
export const ISSUES_FILE = path.join('.globallm', 'issues.jsonl');

const Iso = z.iso.datetime({ offset: true });

export const LocalIssue = z.object({
  number: z.number().int().positive(),
  title: z.string().min(1).max(1000),
  body: z.string().max(200_000).default(''),
  state: z.enum(['open', 'closed']).default('open'),
  labels: z.array(z.string().max(100)).max(100).default([]),
  author: z.string().max(100).nullable().default(null),
  authorAssociation: z.string().max(40).default('NONE'),
  createdAt: Iso,
  updatedAt: Iso.optional(),
  closedAt: Iso.nullable().default(null),
  locked: z.boolean().default(false),
  pullRequest: z.boolean().default(false),
  assignees: z.array(z.string().max(100)).max(50).default([]),
  reactions: z.number().int().nonnegative().default(0),
  linkedPullRequests: z.array(z.object({ number: z.number().int().positive(), state: z.enum(['OPEN', 'CLOSED', 'MERGED']) })).max(100).default([]),
  comments: z.array(z.object({
    author: z.string().max(100).nullable().default(null),
    authorAssociation: z.string().max(40).default('NONE'),
    body: z.string().max(100_000),
    createdAt: Iso,
  })).max(1000).default([]),
});
export type LocalIssue = z.infer<typeof LocalIssue>;

export interface LocalIssueFile {
  issues: LocalIssue[];
  /** 1-based line numbers that failed validation, with why. */
  rejected: Array<{ line: number; reason: string }>;
}

export function parseIssuesJsonl(text: string): LocalIssueFile {
  const out: LocalIssueFile = { issues: [], rejected: [] };
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      out.rejected.push({ line: i + 1, reason: 'not valid JSON' });
      return;
    }
    const parsed = LocalIssue.safeParse(value);
    if (parsed.success) out.issues.push(parsed.data);
    else out.rejected.push({ line: i + 1, reason: parsed.error.issues.map((x) => `${x.path.join('.') || 'issue'}: ${x.message}`).join('; ') });
  });
  return out;
}

export async function readLocalIssues(repoDir: string): Promise<LocalIssue[]> {
  let text: string;
  try {
    text = await readFile(path.join(repoDir, ISSUES_FILE), 'utf8');
  } catch {
    return [];
  }
  const parsed = parseIssuesJsonl(text);
  for (const r of parsed.rejected) log.warn({ repo: repoDir, line: r.line, reason: r.reason }, 'issues.jsonl line rejected');
  return parsed.issues;
}

export function toForgeIssue(i: LocalIssue): ForgeIssue {
  const comments = [...i.comments].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const updatedAt = i.updatedAt ?? [i.createdAt, ...comments.map((c) => c.createdAt)].sort().at(-1) ?? i.createdAt;
  return {
    number: i.number, title: i.title, body: i.body, state: i.state, isPullRequest: i.pullRequest, locked: i.locked,
    labels: i.labels, reactions: i.reactions, commentCount: comments.length, recentComments: comments.slice(-20),
    author: i.author, authorAssociation: i.authorAssociation, createdAt: i.createdAt, updatedAt,
    assignees: i.assignees, linkedPullRequests: i.linkedPullRequests,
  };
}
