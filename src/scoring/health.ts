import type { ScoreBreakdown, ScoreTerm } from './breakdown.js';
import { sumContributions, term } from './breakdown.js';
import { busFactor, clamp01, daysSince, humanAuthors, median } from './normalize.js';
import type { RepositorySignals } from './signals.js';

/**
 * Health weights (sum 1). Sources and choices:
 * - velocity 0.25 — OpenSSF Scorecard "Maintained": min(commits in 90 days / 13, 1), i.e. one
 *   commit a week earns full marks; 0 when the repository is younger than 90 days (Scorecard
 *   gives no credit before there is a 90-day history to judge).
 * - issueClosure 0.10 — closed / (open + closed) issues (CHAOSS issue resolution).
 * - issueSpeed 0.10 — CHAOSS issue resolution duration: 30 / (30 + median days to close), so a
 *   median of 0 days → 1, 30 days → 0.5, 90 days → 0.25.
 * - ci 0.20 — Scorecard CI-Tests in spirit, from what one request can see: half for GitHub
 *   Actions workflows in .github/workflows, half for the default branch's combined check state
 *   (SUCCESS 1, PENDING 0.5, FAILURE/ERROR/none 0), which also credits external CI.
 * - contributors 0.10 — distinct human authors in 90 days, min(n / 3, 1) (Scorecard
 *   Contributors saturates above 3 organisations; bots excluded).
 * - busFactor 0.10 — CHAOSS contributor absence factor (fewest authors making 50% of the
 *   commits), min(b / 3, 1).
 * - releaseRecency 0.15 — 1 for a release within 180 days, falling linearly to 0 at 730 days.
 *   Repositories that only tag without GitHub Releases get 0 here; the note says so.
 * Archived or disabled repositories score 0 whatever the terms say. Missing data scores 0 for
 * that term with the reason in its note, never NaN.
 */
export const HEALTH_WEIGHTS = {
  velocity: 0.25,
  issueClosure: 0.1,
  issueSpeed: 0.1,
  ci: 0.2,
  contributors: 0.1,
  busFactor: 0.1,
  releaseRecency: 0.15,
} as const;

export type HealthTerm = keyof typeof HEALTH_WEIGHTS;

export const HEALTH_CONSTANTS = {
  commitsPerFullMarks: 13,
  minimumAgeDays: 90,
  issueSpeedHalfLifeDays: 30,
  contributorsForFullMarks: 3,
  busFactorForFullMarks: 3,
  releaseFreshDays: 180,
  releaseStaleDays: 730,
} as const;

const C = HEALTH_CONSTANTS;
const W = HEALTH_WEIGHTS;

type HealthInput = Pick<RepositorySignals,
  | 'isArchived' | 'isDisabled' | 'createdAt' | 'commitsLast90d' | 'openIssues' | 'closedIssues'
  | 'issueCloseDurationsDays' | 'hasWorkflows' | 'defaultBranchCheckState' | 'commitAuthorsLast90d' | 'latestReleaseAt'>;

function velocity(s: HealthInput, now: Date): ScoreTerm {
  const age = daysSince(s.createdAt, now);
  if (age !== null && age < C.minimumAgeDays) {
    return term('velocity', s.commitsLast90d, 0, W.velocity, `created ${Math.floor(age)} days ago (< ${C.minimumAgeDays}): too new to judge`);
  }
  return term('velocity', s.commitsLast90d, clamp01(s.commitsLast90d / C.commitsPerFullMarks), W.velocity, `min(commits in 90 days / ${C.commitsPerFullMarks}, 1)`);
}

function issueClosure(s: HealthInput): ScoreTerm {
  const total = s.openIssues + s.closedIssues;
  if (total === 0) return term('issueClosure', 0, 0, W.issueClosure, 'no issues: no evidence of resolution');
  return term('issueClosure', `${s.closedIssues}/${total}`, s.closedIssues / total, W.issueClosure, 'closed / (open + closed)');
}

function issueSpeed(s: HealthInput): ScoreTerm {
  const m = median(s.issueCloseDurationsDays);
  if (m === null) return term('issueSpeed', null, 0, W.issueSpeed, 'no recently closed issues sampled');
  const h = C.issueSpeedHalfLifeDays;
  return term('issueSpeed', m, h / (h + m), W.issueSpeed, `median days to close ${m.toFixed(1)}; ${h} / (${h} + median)`);
}

const CHECK_SCORE = { SUCCESS: 1, PENDING: 0.5, FAILURE: 0, ERROR: 0 } as const;

function ci(s: HealthInput): ScoreTerm {
  const state = s.defaultBranchCheckState;
  const value = 0.5 * (s.hasWorkflows ? 1 : 0) + 0.5 * (state === null ? 0 : CHECK_SCORE[state]);
  const parts = [s.hasWorkflows ? 'GitHub Actions workflows present' : 'no .github/workflows', `default branch checks: ${state ?? 'none'}`];
  return term('ci', `${s.hasWorkflows ? 'workflows' : 'no-workflows'}/${state ?? 'none'}`, value, W.ci, parts.join('; '));
}

function contributors(humans: Record<string, number>): ScoreTerm {
  const n = Object.keys(humans).length;
  const note = n === 0 ? 'no human commit authors in 90 days' : `min(authors / ${C.contributorsForFullMarks}, 1), bots excluded`;
  return term('contributors', n, clamp01(n / C.contributorsForFullMarks), W.contributors, note);
}

function bus(humans: Record<string, number>): ScoreTerm {
  const b = busFactor(humans);
  const note = b === 0 ? 'no commits to measure' : `${b} author(s) made half the commits; min(b / ${C.busFactorForFullMarks}, 1)`;
  return term('busFactor', b, clamp01(b / C.busFactorForFullMarks), W.busFactor, note);
}

function releaseRecency(s: HealthInput, now: Date): ScoreTerm {
  const days = daysSince(s.latestReleaseAt, now);
  if (days === null) return term('releaseRecency', null, 0, W.releaseRecency, 'no GitHub release');
  const value = clamp01(1 - (days - C.releaseFreshDays) / (C.releaseStaleDays - C.releaseFreshDays));
  return term('releaseRecency', Math.floor(days), value, W.releaseRecency, `last release ${Math.floor(days)} days ago; full marks within ${C.releaseFreshDays}, none after ${C.releaseStaleDays}`);
}

/** Health 0–1 with its full breakdown. Pure: `now` is the only clock. */
export function computeHealth(s: HealthInput, now: Date): ScoreBreakdown {
  const humans = humanAuthors(s.commitAuthorsLast90d);
  const terms = [velocity(s, now), issueClosure(s), issueSpeed(s), ci(s), contributors(humans), bus(humans), releaseRecency(s, now)];
  if (s.isArchived || s.isDisabled) {
    return { total: 0, terms, notes: [s.isArchived ? 'archived: health is 0' : 'disabled: health is 0'] };
  }
  const notes = terms.every((t) => t.normalised === 0) ? ['no health evidence at all (new or empty repository)'] : [];
  return { total: clamp01(sumContributions(terms)), terms, notes };
}
