import type { IssueCategory } from '../../scoring/categories.js';
import type { BreakingChangeRisk } from '../schema.js';
import { FALLBACK_SOLVABILITY } from '../../scoring/categories.js';
import type { TriageLabel } from './dataset.js';

/**
 * Documented heuristics that turn the classifier's 3-way label, the issue's own labels and keyword
 * rules into the full analysis. Every function here is pure.
 */

/** Words inside a forge label (`type: bug`, `kind/feature`, `good first issue`) that decide a category. */
const LABEL_WORDS: Array<[RegExp, IssueCategory]> = [
  [/\bsecurity\b|\bvulnerability\b|\bcve\b/, 'security'],
  [/\bbug\b|\bdefect\b|\bregression\b|\bcrash\b/, 'bug'],
  [/\bperformance\b|\bperf\b/, 'performance'],
  [/\bdocs?\b|\bdocumentation\b/, 'documentation'],
  [/\bquestion\b|\bsupport\b|\bhelp wanted question\b/, 'question'],
  [/\bfeature\b|\bfeature request\b|\bproposal\b/, 'feature'],
  [/\benhancement\b|\bimprovement\b/, 'enhancement'],
  [/\btests?\b|\btesting\b|\bflaky\b/, 'test'],
  [/\bdependenc(y|ies)\b|\bdeps\b/, 'dependency'],
  [/\bbuild\b|\bci\b/, 'build'],
  [/\brefactor(ing)?\b|\btech debt\b/, 'refactor'],
  [/\bstyle\b|\blint\b|\bformatting\b/, 'style'],
];

/** The category an explicit forge label decides, if any (the first label that names one wins, in rule order). */
export function categoryFromLabels(labels: readonly string[] | undefined): IssueCategory | undefined {
  if (!labels?.length) return undefined;
  const words = labels.map((l) => l.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim());
  for (const [pattern, category] of LABEL_WORDS) if (words.some((w) => pattern.test(w))) return category;
  return undefined;
}

/** The classifier label an explicit category implies (bug / feature / question), if it implies one. */
export function triageLabelOf(category: IssueCategory): TriageLabel | undefined {
  if (category === 'bug') return 'bug';
  if (category === 'feature' || category === 'enhancement') return 'feature';
  if (category === 'question') return 'question';
  return undefined;
}

/** Keyword rules over the title (and, for security, the body): each names the category it decides. */
const SECURITY = /\b(security (issue|bug|vulnerability|flaw|hole|problem)|vulnerab(le|ility|ilities)|cve-\d{4}-\d{3,}|xss|cross-site scripting|csrf|sql injection|command injection|remote code execution|rce|privilege escalation|auth(entication)? bypass|path traversal|ssrf|arbitrary code execution|buffer overflow|use-after-free)\b/i;
const TITLE_RULES: Array<[RegExp, IssueCategory]> = [
  [/\b(docs?|documentation|typo|typos|readme|docstring|misspell(ed|ing)?|spelling)\b/i, 'documentation'],
  [/\b(slow(er|ly|ness)?|performance|perf|memory leak|leaks? memory|high (cpu|memory)|latency|speed ?up|takes too long|out of memory|oom)\b/i, 'performance'],
  [/\b(flaky|flakey|unit tests?|test (failure|fails|failing|coverage|suite)|tests? (fail|failing|are failing))\b/i, 'test'],
  [/\b(bump|upgrade|update) (the )?(dependency|dependencies|deps|version of)\b|\bdependabot\b/i, 'dependency'],
  [/\b(refactor(ing)?|clean ?up|tech(nical)? debt|dead code)\b/i, 'refactor'],
  [/\b(lint(er|ing)?|code style|formatting|prettier|clang-format|eslint)\b/i, 'style'],
  [/\b(build (fails|failure|failing|error|broken)|fails? to (build|compile)|compil(e|ation) (error|fails|failure)|cmake|ci (fails|failure|is broken))\b/i, 'build'],
];
const ENHANCEMENT = /\b(improve|improvement|enhance|enhancement|better|more (helpful|useful|readable)|optimi[sz]e)\b/i;
const CRITICAL = /\b(crash(es|ed|ing)?|segfault|segmentation fault|data loss|loses? data|corrupt(s|ed|ion)?|deadlock|hangs?|panic|cannot start|won't start|all users|production (down|outage))\b/i;
const BREAKING_HIGH = /\b(breaking change|backwards?[- ]incompatible|remove (the )?(public )?api|drop support|rename (the )?public|change (the )?default behaviou?r|major version)\b/i;
const ARCHITECTURE = /\b(architecture|redesign|rewrite|api change|migration|across the codebase|multiple (modules|packages))\b/i;
const REPRO = /\b(steps to reproduce|repro(duction)? steps|minimal (repro|reproducible)|to reproduce|stack ?trace|traceback)\b/i;

export interface CategoryDecision {
  category: IssueCategory;
  source: 'label' | 'rule' | 'model';
  rule?: string;
}

/**
 * Decides the category: an explicit forge label first, except that security wording turns a
 * bug/feature/unlabelled report into `security` (a vulnerability must not hide behind a generic label);
 * questions stay questions. Then title keyword rules, then the classifier's label, with improvement
 * wording turning `feature` into `enhancement`.
 */
export function decideCategory(title: string, body: string, labels: readonly string[] | undefined, predicted: TriageLabel): CategoryDecision {
  const fromLabel = categoryFromLabels(labels);
  const effective = fromLabel ? triageLabelOf(fromLabel) : predicted;
  const security = SECURITY.exec(`${title}\n${body}`);
  if (security && effective !== 'question' && (!fromLabel || triageLabelOf(fromLabel) !== undefined)) {
    return { category: 'security', source: 'rule', rule: security[0].toLowerCase() };
  }
  if (fromLabel) return { category: fromLabel, source: 'label' };
  if (predicted !== 'question') {
    for (const [pattern, category] of TITLE_RULES) {
      const m = pattern.exec(title);
      if (m) return { category, source: 'rule', rule: m[0].toLowerCase() };
    }
  }
  if (predicted === 'feature' && ENHANCEMENT.test(title)) return { category: 'enhancement', source: 'model' };
  return { category: predicted, source: 'model' };
}

export function isCritical(category: IssueCategory, title: string, body: string): boolean {
  if (category === 'security') return true;
  return category === 'bug' && CRITICAL.test(`${title}\n${body.slice(0, 4000)}`);
}

const BASE_COMPLEXITY: Record<IssueCategory, number> = {
  style: 1, documentation: 2, question: 2, dependency: 3, test: 3, bug: 4, build: 4, other: 4,
  enhancement: 5, refactor: 5, feature: 6, performance: 6, security: 6,
};

/** 1–10: a per-category base, +1 for many files, +1 for a long report, +2 for architecture words, −1 for a typo. */
export function estimateComplexity(category: IssueCategory, title: string, body: string, fileCount: number): number {
  let c = BASE_COMPLEXITY[category];
  if (fileCount > 3) c += 1;
  if (body.length > 3000) c += 1;
  if (ARCHITECTURE.test(`${title}\n${body}`)) c += 2;
  if (/\btypos?\b/i.test(title)) c -= 1;
  return Math.min(10, Math.max(1, Math.round(c)));
}

/** 0–1: the category's base; a critical bug 0.5; +0.1 with a reproduction or trace; −0.1 when complexity ≥ 8. */
export function estimateSolvability(category: IssueCategory, critical: boolean, body: string, complexity: number): number {
  let s = category === 'bug' && critical ? 0.5 : FALLBACK_SOLVABILITY[category];
  if (REPRO.test(body)) s += 0.1;
  if (complexity >= 8) s -= 0.1;
  return Math.round(Math.min(1, Math.max(0, s)) * 100) / 100;
}

/** High on explicit breaking-change words; medium for changes of behaviour (features, refactors, deps, security fixes); else low. */
export function estimateBreakingRisk(category: IssueCategory, title: string, body: string): BreakingChangeRisk {
  if (BREAKING_HIGH.test(`${title}\n${body}`)) return 'high';
  if (['feature', 'enhancement', 'refactor', 'dependency', 'security', 'build'].includes(category)) return 'medium';
  return 'low';
}

/** A change of code behaviour needs a test; docs, style and questions do not. */
export function needsTest(category: IssueCategory): boolean {
  return !['documentation', 'style', 'question', 'other'].includes(category);
}
