/**
 * GitHub search query language, the subset the project uses: qualifiers with ranges,
 * free-text keywords, sort and order. Pure functions over world records.
 */
import type { IssueRec, RepoRec } from './world.js';

export interface ParsedQuery {
  keywords: string[];
  qualifiers: { key: string; value: string; negated: boolean }[];
}

export class QueryError extends Error {}

export function parseQuery(q: string): ParsedQuery {
  const tokens = q.match(/-?[\w.-]+:"[^"]*"|"[^"]*"|\S+/g) ?? [];
  const out: ParsedQuery = { keywords: [], qualifiers: [] };
  for (const t of tokens) {
    const m = /^(-?)([a-zA-Z_-]+):(.*)$/.exec(t);
    if (m && m[3] !== undefined && m[3] !== '') {
      out.qualifiers.push({ key: (m[2] ?? '').toLowerCase(), value: m[3].replace(/^"|"$/g, ''), negated: m[1] === '-' });
    } else if (!['AND', 'OR'].includes(t)) {
      out.keywords.push(t.replace(/^"|"$/g, '').toLowerCase());
    }
  }
  return out;
}

type Pred = (v: number) => boolean;

export function numberRange(expr: string): Pred {
  const num = (s: string): number => {
    if (!/^\d+(\.\d+)?$/.test(s)) throw new QueryError(`invalid number "${s}" in range "${expr}"`);
    return Number(s);
  };
  let m: RegExpExecArray | null;
  if ((m = /^(>=|<=|>|<)(.+)$/.exec(expr))) {
    const n = num(m[2] ?? '');
    switch (m[1]) {
      case '>': return (v) => v > n;
      case '>=': return (v) => v >= n;
      case '<': return (v) => v < n;
      default: return (v) => v <= n;
    }
  }
  if ((m = /^(.+)\.\.(.+)$/.exec(expr))) {
    const lo = m[1] === '*' ? -Infinity : num(m[1] ?? '');
    const hi = m[2] === '*' ? Infinity : num(m[2] ?? '');
    return (v) => v >= lo && v <= hi;
  }
  const n = num(expr);
  return (v) => v === n;
}

function dateBound(s: string, end: boolean): number {
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new QueryError(`invalid date "${s}"`);
  return /^\d{4}-\d{2}-\d{2}$/.test(s) && end ? ms + 86_400_000 - 1 : ms;
}

export function dateRange(expr: string): (iso: string) => boolean {
  let m: RegExpExecArray | null;
  let pred: Pred;
  if ((m = /^(>=|<=|>|<)(.+)$/.exec(expr))) {
    const op = m[1];
    const v = m[2] ?? '';
    const lo = dateBound(v, false);
    const hi = dateBound(v, true);
    pred = op === '>' ? (x) => x > hi : op === '>=' ? (x) => x >= lo : op === '<' ? (x) => x < lo : (x) => x <= hi;
  } else if ((m = /^(.+)\.\.(.+)$/.exec(expr))) {
    const lo = m[1] === '*' ? -Infinity : dateBound(m[1] ?? '', false);
    const hi = m[2] === '*' ? Infinity : dateBound(m[2] ?? '', true);
    pred = (x) => x >= lo && x <= hi;
  } else {
    const lo = dateBound(expr, false);
    const hi = dateBound(expr, true);
    pred = (x) => x >= lo && x <= hi;
  }
  return (iso) => pred(Date.parse(iso));
}

function bool(v: string, what: string): boolean {
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new QueryError(`${what} must be true or false, got "${v}"`);
}

export function filterRepos(repos: RepoRec[], q: ParsedQuery): RepoRec[] {
  const preds: ((r: RepoRec) => boolean)[] = [];
  let forkMode: 'exclude' | 'include' | 'only' = 'exclude';
  for (const { key, value, negated } of q.qualifiers) {
    let p: (r: RepoRec) => boolean;
    switch (key) {
      case 'language': p = (r) => (r.language ?? '').toLowerCase() === value.toLowerCase(); break;
      case 'stars': { const f = numberRange(value); p = (r) => f(r.stars); break; }
      case 'forks': { const f = numberRange(value); p = (r) => f(r.forks); break; }
      case 'topic': p = (r) => r.topics.some((t) => t.toLowerCase() === value.toLowerCase()); break;
      case 'topics': { const f = numberRange(value); p = (r) => f(r.topics.length); break; }
      case 'pushed': { const f = dateRange(value); p = (r) => f(r.pushedAt); break; }
      case 'created': { const f = dateRange(value); p = (r) => f(r.createdAt); break; }
      case 'archived': { const b = bool(value, 'archived'); p = (r) => r.archived === b; break; }
      case 'template': { const b = bool(value, 'template'); p = (r) => r.isTemplate === b; break; }
      case 'fork':
        if (value === 'only') forkMode = 'only';
        else if (value === 'true') forkMode = 'include';
        else if (value !== 'false') throw new QueryError(`fork must be true, false or only, got "${value}"`);
        continue;
      case 'user': case 'org': p = (r) => r.owner.toLowerCase() === value.toLowerCase(); break;
      case 'repo': p = (r) => `${r.owner}/${r.name}`.toLowerCase() === value.toLowerCase(); break;
      case 'license': p = (r) => r.license?.key === value.toLowerCase(); break;
      case 'is': p = value === 'public' ? () => true : value === 'private' ? () => false : () => true; break;
      case 'in': case 'sort': continue;
      case 'size': { const f = numberRange(value); p = (r) => f(r.sizeKb); break; }
      case 'good-first-issues': case 'help-wanted-issues': {
        const f = numberRange(value);
        const name = key === 'good-first-issues' ? 'good first issue' : 'help wanted';
        p = (r) => f(r.issues.filter((i) => i.state === 'open' && !i.pull && i.labels.some((l) => l.toLowerCase() === name)).length);
        break;
      }
      default: throw new QueryError(`unsupported qualifier "${key}"`);
    }
    preds.push(negated ? (r) => !p(r) : p);
  }
  for (const k of q.keywords) preds.push((r) => r.name.toLowerCase().includes(k) || (r.description ?? '').toLowerCase().includes(k) || r.topics.some((t) => t.toLowerCase().includes(k)));
  const mode: string = forkMode;
  return repos.filter((r) => (mode === 'only' ? r.isFork : mode === 'exclude' ? !r.isFork : true) && preds.every((p) => p(r)));
}

/** A `sort:<field>-<asc|desc>` qualifier in the query text (GitHub's in-query sort), if any. */
export function sortQualifier(q: ParsedQuery): { sort: string; order: string } | undefined {
  const m = /^([a-z-]+?)(?:-(asc|desc))?$/.exec(q.qualifiers.find((x) => x.key === 'sort' && !x.negated)?.value ?? '');
  return m?.[1] ? { sort: m[1], order: m[2] ?? 'desc' } : undefined;
}

export function sortRepos(repos: RepoRec[], sort: string | undefined, order: string | undefined): RepoRec[] {
  const dir = order === 'asc' ? 1 : -1;
  const val = (r: RepoRec): number => {
    switch (sort) {
      case 'forks': return r.forks;
      case 'updated': return Date.parse(r.updatedAt);
      case 'help-wanted-issues': return r.issues.filter((i) => i.state === 'open' && i.labels.includes('help wanted')).length;
      default: return r.stars;
    }
  };
  return [...repos].sort((a, b) => (val(a) - val(b)) * (sort ? dir : -1) || a.id - b.id);
}

export interface IssueHit {
  repo: RepoRec;
  issue: IssueRec;
}

export function filterIssues(repos: RepoRec[], q: ParsedQuery): IssueHit[] {
  const preds: ((h: IssueHit) => boolean)[] = [];
  for (const { key, value, negated } of q.qualifiers) {
    let p: (h: IssueHit) => boolean;
    switch (key) {
      case 'is':
      case 'type':
        if (value === 'issue') p = (h) => !h.issue.pull;
        else if (value === 'pr') p = (h) => h.issue.pull !== null;
        else if (value === 'open' || value === 'closed') p = (h) => h.issue.state === value;
        else if (value === 'locked' || value === 'unlocked') p = (h) => h.issue.locked === (value === 'locked');
        else if (value === 'merged') p = (h) => h.issue.pull?.merged === true;
        else if (value === 'draft') p = (h) => h.issue.pull?.draft === true;
        else if (value === 'public') p = () => true;
        else throw new QueryError(`unsupported value "${value}" for is:`);
        break;
      case 'state':
        if (value !== 'open' && value !== 'closed') throw new QueryError(`state must be open or closed, got "${value}"`);
        p = (h) => h.issue.state === value;
        break;
      case 'label': {
        const any = value.split(',').map((v) => v.toLowerCase());
        p = (h) => h.issue.labels.some((l) => any.includes(l.toLowerCase()));
        break;
      }
      case 'no':
        if (value === 'assignee') p = (h) => h.issue.assignees.length === 0;
        else if (value === 'label') p = (h) => h.issue.labels.length === 0;
        else throw new QueryError(`unsupported value "${value}" for no:`);
        break;
      case 'assignee': p = (h) => h.issue.assignees.some((a) => a.toLowerCase() === value.toLowerCase()); break;
      case 'author': p = (h) => h.issue.user.toLowerCase() === value.toLowerCase(); break;
      case 'repo': p = (h) => `${h.repo.owner}/${h.repo.name}`.toLowerCase() === value.toLowerCase(); break;
      case 'user': case 'org': p = (h) => h.repo.owner.toLowerCase() === value.toLowerCase(); break;
      case 'language': p = (h) => (h.repo.language ?? '').toLowerCase() === value.toLowerCase(); break;
      case 'archived': { const b = bool(value, 'archived'); p = (h) => h.repo.archived === b; break; }
      case 'comments': { const f = numberRange(value); p = (h) => f(h.issue.comments.length); break; }
      case 'reactions': { const f = numberRange(value); p = (h) => f(Object.values(h.issue.reactions).reduce((a, b) => a + b, 0)); break; }
      case 'created': { const f = dateRange(value); p = (h) => f(h.issue.createdAt); break; }
      case 'updated': { const f = dateRange(value); p = (h) => f(h.issue.updatedAt); break; }
      case 'closed': { const f = dateRange(value); p = (h) => h.issue.closedAt !== null && f(h.issue.closedAt); break; }
      case 'in': continue;
      default: throw new QueryError(`unsupported qualifier "${key}"`);
    }
    preds.push(negated ? (h) => !p(h) : p);
  }
  for (const k of q.keywords) preds.push((h) => h.issue.title.toLowerCase().includes(k) || (h.issue.body ?? '').toLowerCase().includes(k));
  const hits: IssueHit[] = [];
  for (const repo of repos) for (const issue of repo.issues) {
    const h = { repo, issue };
    if (preds.every((p) => p(h))) hits.push(h);
  }
  return hits;
}

export function sortIssues(hits: IssueHit[], sort: string | undefined, order: string | undefined): IssueHit[] {
  const dir = order === 'asc' ? 1 : -1;
  const val = (h: IssueHit): number => {
    switch (sort) {
      case 'comments': return h.issue.comments.length;
      case 'reactions': return Object.values(h.issue.reactions).reduce((a, b) => a + b, 0);
      case 'updated': return Date.parse(h.issue.updatedAt);
      default: return Date.parse(h.issue.createdAt);
    }
  };
  return [...hits].sort((a, b) => (val(a) - val(b)) * dir || a.issue.id - b.issue.id);
}
