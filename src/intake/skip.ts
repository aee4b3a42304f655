import type { ForgeIssue, IssueComment } from '../forge/types.js';

/** A claim older than this no longer blocks an issue (the person moved on). */
export const CLAIM_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

const CLAIMS = [
  /\bi'?m\s+(?:now\s+|currently\s+)?working\s+on\s+(?:this|it|a\s+fix|a\s+pr)\b/,
  /\bi\s+am\s+(?:now\s+|currently\s+)?working\s+on\s+(?:this|it|a\s+fix|a\s+pr)\b/,
  /\bi(?:'ll|\s+will)\s+(?:take|grab|handle|pick\s+up|work\s+on|fix)\s+(?:this|it)\b/,
  /\b(?:i'?m|i\s+am)\s+on\s+it\b/,
  /\bplease\s+assign\s+(?:this|it)?\s*to\s+me\b/,
];
const ASKS = [
  /\b(?:can|could|may)\s+i\s+(?:work\s+on|take|pick\s+up|try|grab)\s+(?:this|it)\b/,
  /\bi(?:'d|\s+would)\s+(?:like|love)\s+to\s+(?:work\s+on|take|fix)\s+(?:this|it)\b/,
];
const YES = /\b(?:yes|yep|sure|go\s+ahead|go\s+for\s+it|please\s+do|all\s+yours|assigned|sounds\s+good)\b/;
const MAINTAINERS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

function normalise(text: string): string {
  return text.toLowerCase().replace(/[’‘`]/g, "'");
}

function recent(c: IssueComment, now: Date): boolean {
  const t = Date.parse(c.createdAt);
  return Number.isFinite(t) && now.getTime() - t <= CLAIM_WINDOW_DAYS * DAY_MS;
}

function quote(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > 80 ? `${one.slice(0, 77)}...` : one;
}

/**
 * Someone said they are working on the issue within the claim window: a direct claim ("I'm
 * working on this", "I'll take this"), or a request ("can I work on this?") that a maintainer
 * answered yes to. Returns who and what was said, or null.
 */
export function findClaim(comments: readonly IssueComment[], now: Date): { who: string; at: string; said: string } | null {
  const list = [...comments].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    if (!recent(c, now)) continue;
    const text = normalise(c.body);
    if (CLAIMS.some((p) => p.test(text))) return { who: c.author ?? 'someone', at: c.createdAt, said: quote(c.body) };
    if (ASKS.some((p) => p.test(text))) {
      const yes = list.slice(i + 1).find((r) => MAINTAINERS.has(r.authorAssociation) && r.author !== c.author && YES.test(normalise(r.body)));
      if (yes) return { who: c.author ?? 'someone', at: c.createdAt, said: `${quote(c.body)}" / maintainer: "${quote(yes.body)}` };
    }
  }
  return null;
}

/** Why intake leaves an issue alone, or null when it is fair game. Pure. */
export function skipReason(issue: ForgeIssue, now: Date): string | null {
  if (issue.isPullRequest) return 'a pull request, not an issue';
  if (issue.locked) return 'locked: comments and contributions are closed';
  if (issue.assignees.length > 0) return `assigned to ${issue.assignees.map((a) => `@${a}`).join(', ')}`;
  const open = issue.linkedPullRequests.find((p) => p.state === 'OPEN');
  if (open) return `an open pull request (#${open.number}) already addresses it`;
  const claim = findClaim(issue.recentComments, now);
  if (claim) return `claimed by @${claim.who} on ${claim.at.slice(0, 10)}: "${claim.said}"`;
  return null;
}
