import type { Config } from '../config/load.js';

/** The budget limits named in the environment, as the budget's own config object. */
export function budgetConfig(config: Config): Record<string, number> {
  const usd = (key: string, v: number | undefined): Record<string, number> => (v === undefined ? {} : { [key]: v });
  return {
    weeklyTokens: config.GLOBALLM_BUDGET_WEEKLY_TOKENS,
    repoTokens: config.GLOBALLM_BUDGET_REPO_TOKENS,
    languageIssues: config.GLOBALLM_BUDGET_LANGUAGE_ISSUES,
    ...usd('weeklyUsd', config.GLOBALLM_BUDGET_WEEKLY_USD),
    ...usd('repoUsd', config.GLOBALLM_BUDGET_REPO_USD),
    ...usd('languageUsd', config.GLOBALLM_BUDGET_LANGUAGE_USD),
  };
}
