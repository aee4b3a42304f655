/** One term of a score, with everything a person needs to check it by hand. */
export interface ScoreTerm {
  key: string;
  /** The input as observed (a count, a number of days, a state), or null when unknown. */
  raw: number | string | boolean | null;
  /** The input mapped onto 0–1. */
  normalised: number;
  /** The weight actually applied (after any redistribution of unknown terms). */
  weight: number;
  /** normalised × weight. */
  contribution: number;
  /** How the raw value became the normalised one, or why it is missing. */
  note: string;
}

export interface ScoreBreakdown {
  /** 0–1 for health and impact. */
  total: number;
  terms: ScoreTerm[];
  /** Whole-score remarks (archived, too new, weights redistributed). */
  notes: string[];
}

export function term(key: string, raw: ScoreTerm['raw'], normalised: number, weight: number, note: string): ScoreTerm {
  return { key, raw, normalised, weight, contribution: normalised * weight, note };
}

export function sumContributions(terms: readonly ScoreTerm[]): number {
  return terms.reduce((sum, t) => sum + t.contribution, 0);
}
