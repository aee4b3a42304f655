/** Paths a fix may never touch, each with the reason recorded when one is refused. */

const CI_FILES = new Set([
  '.gitlab-ci.yml', '.travis.yml', 'appveyor.yml', '.appveyor.yml', 'azure-pipelines.yml', 'azure-pipelines.yaml',
  'jenkinsfile', '.drone.yml', 'bitbucket-pipelines.yml', 'cloudbuild.yaml', 'cloudbuild.yml', '.woodpecker.yml',
  'codecov.yml', '.codecov.yml', '.pre-commit-config.yaml', 'renovate.json', '.renovaterc', '.renovaterc.json',
]);
const CI_DIRS = ['.github/workflows/', '.github/actions/', '.circleci/', '.gitlab/', '.buildkite/', '.azure-pipelines/', '.woodpecker/', '.husky/', '.devcontainer/'];
const CI_GITHUB_FILES = new Set(['.github/dependabot.yml', '.github/dependabot.yaml', '.github/codeowners', 'codeowners', 'docs/codeowners']);

const CREDENTIAL_NAMES = new Set([
  '.npmrc', '.pypirc', '.netrc', '_netrc', '.git-credentials', '.dockercfg', '.yarnrc', '.yarnrc.yml',
  'pip.conf', 'pip.ini', 'credentials', 'credentials.json', '.htpasswd', 'known_hosts', 'authorized_keys',
]);
const CREDENTIAL_EXTENSIONS = ['.pem', '.key', '.p12', '.pfx', '.jks', '.keystore', '.gpg', '.asc', '.ppk', '.kdbx'];
const CREDENTIAL_DIRS = ['.ssh/', '.aws/', '.gnupg/', '.kube/', '.docker/', '.config/gcloud/'];

export function protectedPathReason(path: string): string | undefined {
  const lower = path.toLowerCase();
  const name = lower.slice(lower.lastIndexOf('/') + 1);
  const inDir = (dirs: readonly string[]): boolean => dirs.some((d) => lower.startsWith(d) || lower.includes(`/${d}`));
  if (lower.startsWith('.github/workflows/')) return 'CI workflow files are never edited';
  if (CI_FILES.has(name) || inDir(CI_DIRS) || CI_GITHUB_FILES.has(lower)) return 'CI and automation configuration is never edited';
  if (name === '.env' || name.startsWith('.env.') || name.endsWith('.env')) return 'environment files may hold credentials';
  if (/^id_(rsa|dsa|ecdsa|ed25519)/.test(name)) return 'SSH keys are never edited';
  if (CREDENTIAL_NAMES.has(name)) return 'credential and registry configuration files are never edited';
  if (CREDENTIAL_EXTENSIONS.some((ext) => name.endsWith(ext))) return 'key and certificate files are never edited';
  if (inDir(CREDENTIAL_DIRS)) return 'credential directories are never edited';
  return undefined;
}
