import type { Config } from '../../config/load.js';
import type { GitHubClientOptions } from './client.js';

/** The GitHub client settings of a configuration: its API URL, identity token and extra tokens. */
export function githubClientOptions(config: Config): Pick<GitHubClientOptions, 'baseUrl' | 'token' | 'extraTokens'> {
  return { baseUrl: config.GITHUB_API_URL, token: config.githubTokens.identity, extraTokens: config.githubTokens.extra };
}
