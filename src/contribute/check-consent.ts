/** The consent gate's I/O: read the repository's files in one request, decide, record the decision and its quote. */
import type { Pool } from 'pg';
import type { RepoRef } from '../forge/types.js';
import type { ConsentSnapshot, ForgeWriter } from '../forge/writer.js';
import { detectAiPolicy } from './consent/ai-policy.js';
import { CONSENT_FILE_PATHS, hasOptOutTopic, OPT_OUT_TOPICS, parseConsentFile } from './consent/config-file.js';
import { gateDecision, type GateCaps, type GateDecision } from './consent/gate.js';
import type { ConsentConfig } from './consent/schema.js';
import { ConsentDenied } from '../errors.js';
import type { IssueCategory } from '../scoring/categories.js';
import { recordConsent } from '../db/consent-decisions.js';

export const DEFAULT_CAPS: GateCaps = { maxOpenPrsPerRepo: 2, maxOpenPrsPerOwner: 5, requireOptIn: false };

export interface ConsentOutcome {
  decision: GateDecision;
  /** The sentence (or setting) that decided, verbatim. */
  quote?: string;
  /** The file (or topic) the quote comes from. */
  source?: string;
  autoMergeAllowed: boolean;
  /** The consent file's repository cap, when it sets one. */
  maxOpenPrs?: number;
  decisionId: string;
}

export interface ConsentDeps {
  pool: Pool;
  forge: ForgeWriter;
  caps: GateCaps;
}

export async function checkConsent(deps: ConsentDeps, repo: RepoRef, issue: { number?: number; category?: IssueCategory } = {}): Promise<ConsentOutcome> {
  const snap: ConsentSnapshot = await deps.forge.readConsentFiles(repo);
  const consentPaths: readonly string[] = CONSENT_FILE_PATHS;
  const consentDoc = snap.files.find((f) => consentPaths.includes(f.path));
  const consentFile = consentDoc ? parseConsentFile(consentDoc.text) : undefined;
  const policy = detectAiPolicy(snap.files.filter((f) => !consentPaths.includes(f.path)));
  const [openPrsInRepo, openPrsForOwner] = await Promise.all([
    deps.forge.countOpenPullRequestsByUs({ owner: repo.owner, name: repo.name }),
    deps.forge.countOpenPullRequestsByUs({ owner: repo.owner }),
  ]);
  const decision = gateDecision({
    optOut: hasOptOutTopic(snap.topics), policy, archived: snap.archived, openPrsInRepo, openPrsForOwner, caps: deps.caps,
    ...(consentFile ? { consentFile } : {}), ...(issue.category ? { category: issue.category } : {}),
  });
  let quote: string | undefined;
  let source: string | undefined;
  if (!decision.allowed && decision.reason === 'opted_out' && hasOptOutTopic(snap.topics)) {
    source = 'topic';
    quote = snap.topics.find((t) => (OPT_OUT_TOPICS as readonly string[]).includes(t.toLowerCase()));
  } else if (!decision.allowed && (decision.reason === 'opted_out' || decision.reason === 'consent_file_invalid' || decision.reason === 'category_not_allowed') && consentDoc) {
    source = consentDoc.path;
    quote = decision.reason === 'opted_out' ? (consentDoc.text.split('\n').find((l) => /enabled/.test(l))?.trim() ?? consentDoc.text.slice(0, 200)) : decision.detail;
  } else if (policy.quote) {
    quote = policy.quote;
    if (policy.path) source = policy.path;
  }
  const decisionId = await recordConsent(deps.pool, {
    forge: deps.forge.kind, repo, issueNumber: issue.number, allowed: decision.allowed,
    reason: decision.allowed ? (decision.disclosureRequired ? 'allowed_with_disclosure' : 'allowed') : decision.reason,
    detail: decision.allowed ? `policy: ${policy.decision}` : decision.detail, quote, source,
  });
  const maxOpenPrs = consentFile?.ok ? consentFile.config.maxOpenPrs : undefined;
  return { decision, ...(quote !== undefined ? { quote } : {}), ...(source !== undefined ? { source } : {}), autoMergeAllowed: snap.autoMergeAllowed, ...(maxOpenPrs !== undefined ? { maxOpenPrs } : {}), decisionId };
}

/** The terms a repository's consent file sets for opening a PR (defaults when it has none). */
export type ConsentTerms = Pick<ConsentConfig, 'labels' | 'autoMerge'> & { autoMergeAllowed: boolean; maxOpenPrs?: number; source?: string };

/**
 * Reads the consent file again just before a PR is opened, for its PR cap, labels and auto-merge. A file that
 * turned malformed or disabled since the gate ran refuses (ConsentDenied), never allows silently.
 */
export async function consentTerms(forge: ForgeWriter, repo: RepoRef): Promise<ConsentTerms> {
  const snap = await forge.readConsentFiles(repo);
  const consentPaths: readonly string[] = CONSENT_FILE_PATHS;
  const doc = snap.files.find((f) => consentPaths.includes(f.path));
  if (!doc) return { labels: [], autoMerge: false, autoMergeAllowed: snap.autoMergeAllowed };
  const parsed = parseConsentFile(doc.text);
  if (!parsed.ok) throw new ConsentDenied(`${repo.owner}/${repo.name}: ${doc.path} is invalid: ${parsed.error}`);
  if (!parsed.config.enabled) throw new ConsentDenied(`${repo.owner}/${repo.name}: ${doc.path} sets enabled: false`);
  const { labels, autoMerge, maxOpenPrs } = parsed.config;
  return { labels, autoMerge, autoMergeAllowed: snap.autoMergeAllowed, source: doc.path, ...(maxOpenPrs !== undefined ? { maxOpenPrs } : {}) };
}
