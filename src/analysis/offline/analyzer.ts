import { IssueAnalysis, type IssueInput } from '../schema.js';
import type { IssueAnalyzer, AnalysisOutcome } from '../types.js';
import { extractFeatures, prepareIssue } from './features.js';
import { loadShippedModel } from './load-model.js';
import { predict, type LinearModel } from './model.js';
import { extractMentionedFiles } from './paths.js';
import {
  decideCategory, estimateBreakingRisk, estimateComplexity, estimateSolvability, isCritical, needsTest, triageLabelOf, categoryFromLabels,
} from './rules.js';

/** The offline analyzer never claims more than this: it reads words, not code. */
const MAX_CONFIDENCE = 0.85;

/**
 * Analyzes an issue without any network: a linear text classifier (bug / feature / question) plus
 * keyword rules and documented heuristics for the remaining fields (see rules.ts).
 */
export class OfflineAnalyzer implements IssueAnalyzer {
  readonly name = 'offline';
  constructor(private readonly model?: LinearModel) {}

  async analyze(issue: IssueInput): Promise<IssueAnalysis> {
    return analyzeOffline(this.model ?? (await loadShippedModel()), issue);
  }

  async analyzeBatch(issues: readonly IssueInput[]): Promise<AnalysisOutcome[]> {
    const model = this.model ?? (await loadShippedModel());
    return issues.map((issue): AnalysisOutcome => {
      try {
        return { ok: true, analysis: analyzeOffline(model, issue) };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err), retryable: false };
      }
    });
  }
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

/** The pure core of the offline analyzer: same model and issue, same analysis. */
export function analyzeOffline(model: LinearModel, issue: IssueInput): IssueAnalysis {
  const { title, body } = prepareIssue(issue.title, issue.body);
  const prediction = predict(model, extractFeatures(title, body));
  const labelled = categoryFromLabels(issue.labels);
  const decision = decideCategory(title, body, issue.labels, prediction.label);
  const affectedFiles = extractMentionedFiles(`${title}\n${body}`);
  const critical = isCritical(decision.category, title, body);
  const complexity = estimateComplexity(decision.category, title, body, affectedFiles.length);
  const p = prediction.probabilities[prediction.label];
  const impliedLabel = triageLabelOf(decision.category);
  const confidence = decision.source === 'label' ? 0.85
    : decision.source === 'rule' ? 0.6
      : Math.min(MAX_CONFIDENCE, p * 0.9);
  const why = decision.source === 'label' ? `issue label${labelled ? ` says ${labelled}` : ''}`
    : decision.source === 'rule' ? `keyword "${decision.rule ?? ''}"`
      : `text classifier ${prediction.label} p=${p.toFixed(2)}`;
  const extra = impliedLabel && impliedLabel !== prediction.label ? `; classifier said ${prediction.label}` : '';
  return IssueAnalysis.parse({
    category: decision.category,
    critical,
    complexity,
    solvability: estimateSolvability(decision.category, critical, body, complexity),
    affectedFiles,
    breakingChangeRisk: estimateBreakingRisk(decision.category, title, body),
    testNeeded: needsTest(decision.category),
    rationale: oneLine(`offline: ${decision.category} by ${why}${extra}; ${affectedFiles.length} file(s) mentioned`, 200),
    analyzer: 'offline',
    confidence: Math.round(confidence * 100) / 100,
  });
}
