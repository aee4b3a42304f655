/**
 * The fix policy as data: what a fix may never touch, or may touch only with a named reason.
 * Path rules carry their own matchers; content rules are enforced by the checkers in
 * `dependencies.ts`, `sections.ts` and `lockfiles.ts`, which report these ids. `docs/policy.md`
 * is rendered from this table (`renderPolicyDoc`) and a test keeps the two in sync.
 */

export type RuleId =
  | 'ci' | 'git-hooks' | 'editor-tasks' | 'vendored-dependencies' | 'wrappers' | 'toolchain-pins' | 'package-manager-config' | 'credentials' | 'env-files'
  | 'submodules' | 'install-time-code' | 'build-scripts' | 'containers' | 'test-config'
  | 'package-scripts' | 'dependencies' | 'dependency-sources' | 'lockfile-registries' | 'build-backend' | 'unverifiable-manifest'
  | 'path-form' | 'symlink' | 'binary' | 'hidden-text' | 'size' | 'duplicate' | 'patch-form';

export interface PathMatchers {
  /** File names (lower case) matched in any directory. */
  names?: readonly string[];
  /** File-name patterns (on the lower-case name) matched in any directory. */
  namePatterns?: readonly RegExp[];
  /** Directories (lower case, trailing slash) matched at the root or under any directory. */
  dirs?: readonly string[];
}

export interface PolicyRule {
  id: RuleId;
  /** Ecosystems the rule is written for ("all" when it is general). */
  ecosystems: string;
  /** What the rule covers, in words. */
  covers: string;
  /** `never`, or the named reason that lets a change through. */
  allowed: string;
  /** The reason recorded on a refusal. */
  reason: string;
  paths?: PathMatchers;
}

const ext = (stem: string): RegExp => new RegExp(`^${stem.replace(/\./g, '\\.')}(\\..+)?$`);

export const POLICY_RULES: readonly PolicyRule[] = [
  {
    id: 'ci', ecosystems: 'all', allowed: 'never', reason: 'CI and automation configuration is never edited',
    covers: 'GitHub Actions (workflows, composite and local actions, `action.yml`), Gitea and Forgejo, GitLab, CircleCI, Azure Pipelines, Jenkins, Travis, Buildkite, Drone, Woodpecker, AppVeyor, Bitbucket, Cloud Build, Cirrus, TeamCity, Semaphore, release tooling, bots (Dependabot, Renovate), CODEOWNERS, dev containers, Gitpod, deploy previews (Netlify, Vercel)',
    paths: {
      names: ['action.yml', 'action.yaml', '.gitlab-ci.yml', '.gitlab-ci.yaml', '.travis.yml', 'appveyor.yml', '.appveyor.yml', 'azure-pipelines.yml', 'azure-pipelines.yaml', '.drone.yml', 'bitbucket-pipelines.yml', 'cloudbuild.yaml', 'cloudbuild.yml', '.woodpecker.yml', '.cirrus.yml', 'codecov.yml', '.codecov.yml', 'renovate.json', 'renovate.json5', '.renovaterc', '.renovaterc.json', 'dependabot.yml', 'dependabot.yaml', 'codeowners', 'devcontainer.json', '.devcontainer.json', '.goreleaser.yml', '.goreleaser.yaml', '.releaserc', '.releaserc.json', 'release.config.js', '.gitpod.yml', '.gitpod.dockerfile', 'netlify.toml', 'vercel.json', 'now.json', 'wercker.yml', 'codeship-steps.yml'],
      namePatterns: [/^jenkinsfile/, /\.jenkinsfile$/],
      dirs: ['.github/', '.gitea/', '.forgejo/', '.circleci/', '.gitlab/', '.buildkite/', '.azure-pipelines/', '.woodpecker/', '.devcontainer/', '.teamcity/', '.semaphore/', '.jenkins/', '.drone/', '.ci/', '.netlify/', '.vercel/'],
    },
  },
  {
    id: 'git-hooks', ecosystems: 'all', allowed: 'never', reason: 'git hooks and hook managers run code on developers\' machines',
    covers: 'hook directories (`.husky`, `.githooks`), hook managers (pre-commit, lefthook, overcommit, simple-git-hooks, lint-staged), git attributes and config',
    paths: {
      names: ['.pre-commit-config.yaml', '.pre-commit-config.yml', '.pre-commit-hooks.yaml', 'lefthook.yml', 'lefthook.yaml', 'lefthook.json', 'lefthook-local.yml', '.lefthook.yml', '.lefthook.yaml', '.overcommit.yml', '.simple-git-hooks.json', '.simple-git-hooks.js', '.simple-git-hooks.cjs', 'simple-git-hooks.json', '.gitattributes', '.gitconfig', '.lfsconfig'],
      namePatterns: [/^\.huskyrc/, /^\.lintstagedrc/, /^lint-staged\.config\./],
      dirs: ['.husky/', '.githooks/', '.git-hooks/', '.lefthook/', '.hooks/'],
    },
  },
  {
    id: 'editor-tasks', ecosystems: 'all', allowed: 'never', reason: 'editor and IDE settings can run tasks when the folder is opened',
    covers: '`.vscode/`, `.idea/`, `.fleet/`, `.zed/`',
    paths: { dirs: ['.vscode/', '.idea/', '.fleet/', '.zed/'] },
  },
  {
    id: 'vendored-dependencies', ecosystems: 'npm, Go, PHP, Ruby, Python', allowed: 'never', reason: 'vendored dependencies are dependencies: a fix does not change them',
    covers: '`node_modules/`, `vendor/`, `.yarn/cache/`, `site-packages/`, `bower_components/`',
    paths: { dirs: ['node_modules/', 'vendor/', '.yarn/cache/', 'site-packages/', 'bower_components/'] },
  },
  {
    id: 'wrappers', ecosystems: 'Java, Kotlin, Scala, npm (Yarn)', allowed: 'never', reason: 'build-tool wrappers download and run the build tool',
    covers: 'Gradle and Maven wrappers (scripts, properties, jars, `.mvn/`), vendored Yarn releases and plugins, Plug\'n\'Play loaders',
    paths: {
      names: ['gradlew', 'gradlew.bat', 'mvnw', 'mvnw.cmd', 'gradle-wrapper.properties', 'gradle-wrapper.jar', 'maven-wrapper.properties', 'maven-wrapper.jar', 'sbt', 'sbtx', '.pnp.cjs', '.pnp.js', '.pnp.loader.mjs'],
      dirs: ['.mvn/', 'gradle/wrapper/', '.yarn/releases/', '.yarn/plugins/', '.yarn/sdks/'],
    },
  },
  {
    id: 'toolchain-pins', ecosystems: 'all', allowed: 'never', reason: 'toolchain pins choose which compiler or runtime is downloaded',
    covers: 'Rust toolchain files, `.tool-versions`, `.nvmrc`, `.node-version`, `.python-version`, `.sdkmanrc`, `.bazelversion`, mise',
    paths: { names: ['rust-toolchain', 'rust-toolchain.toml', '.tool-versions', '.nvmrc', '.node-version', '.python-version', '.sdkmanrc', '.bazelversion', 'mise.toml', '.mise.toml', '.java-version', '.ruby-version', '.go-version'] },
  },
  {
    id: 'package-manager-config', ecosystems: 'npm, Python, Rust, Java, Go, .NET', allowed: 'never', reason: 'package-manager configuration decides where packages come from and what runs at install',
    covers: '`.npmrc`, `.yarnrc*`, `.pnpmfile.cjs`, `pnpm-workspace.yaml`, `bunfig.toml`, `pip.conf`, `pip.ini`, `pdm.toml`, `poetry.toml`, `uv.toml`, `.condarc`, `.cargo/config*`, Maven `settings.xml`, Gradle properties and init scripts, `go.work`, `go.env`, NuGet config',
    paths: {
      names: ['.npmrc', '.yarnrc', '.yarnrc.yml', '.yarnrc.yaml', '.pnpmfile.cjs', '.pnpmfile.mjs', '.pnpmfile.js', 'pnpm-workspace.yaml', 'bunfig.toml', '.bunfig.toml', '.bowerrc', 'pip.conf', 'pip.ini', 'pdm.toml', 'poetry.toml', 'uv.toml', '.condarc', 'settings.xml', 'toolchains.xml', 'gradle.properties', 'init.gradle', 'init.gradle.kts', 'go.work', 'go.work.sum', 'go.env', 'nuget.config', '.pypirc'],
      dirs: ['.cargo/', '.gradle/', '.m2/', '.yarn/'],
    },
  },
  {
    id: 'credentials', ecosystems: 'all', allowed: 'never', reason: 'credential and key files are never edited',
    covers: 'netrc, git credentials, Docker config, keys and certificates, SSH, cloud and GPG directories',
    paths: {
      names: ['.netrc', '_netrc', '.git-credentials', '.dockercfg', 'credentials', 'credentials.json', '.htpasswd', 'known_hosts', 'authorized_keys'],
      namePatterns: [/^id_(rsa|dsa|ecdsa|ed25519)/, /\.(pem|key|p12|pfx|jks|keystore|gpg|asc|ppk|kdbx)$/],
      dirs: ['.ssh/', '.aws/', '.gnupg/', '.kube/', '.docker/', '.config/gcloud/'],
    },
  },
  {
    id: 'env-files', ecosystems: 'all', allowed: 'never', reason: 'environment files may hold credentials or run on entering the directory',
    covers: '`.env`, `.env.*`, `*.env`, `.envrc` (direnv runs it)',
    paths: { names: ['.env', '.envrc'], namePatterns: [/^\.env\./, /\.env$/] },
  },
  {
    id: 'submodules', ecosystems: 'all', allowed: 'never', reason: 'submodules decide which other repositories are fetched',
    covers: '`.gitmodules`',
    paths: { names: ['.gitmodules'] },
  },
  {
    id: 'install-time-code', ecosystems: 'Python, Rust, npm (node-gyp), Perl', allowed: 'never', reason: 'install-time code runs on every machine that installs the project',
    covers: '`setup.py`, `build.rs`, `binding.gyp`, `Makefile.PL`, `Build.PL`, `hatch_build.py`, `conanfile.py`; Python start-up hooks (`sitecustomize.py`, `usercustomize.py`, `*.pth`)',
    paths: { names: ['setup.py', 'build.rs', 'binding.gyp', 'makefile.pl', 'build.pl', 'hatch_build.py', 'conanfile.py', 'pdm_build.py', 'sitecustomize.py', 'usercustomize.py'], namePatterns: [/\.pth$/] },
  },
  {
    id: 'build-scripts', ecosystems: 'all', allowed: 'never', reason: 'build scripts decide how the project builds and which commands its tests run',
    covers: 'Makefiles, justfiles, Taskfiles, gulp and Grunt files, Rakefiles, Bazel and Buck files',
    paths: {
      names: ['makefile', 'gnumakefile', 'justfile', '.justfile', 'taskfile.yml', 'taskfile.yaml', 'rakefile', 'workspace', 'workspace.bazel', 'module.bazel', '.bazelrc', 'build.bazel', 'buck', '.buckconfig'],
      namePatterns: [/^gulpfile\./, /^gruntfile\./, /\.mk$/],
    },
  },
  {
    id: 'containers', ecosystems: 'all', allowed: 'never', reason: 'container and VM files decide what runs where the project is built',
    covers: 'Dockerfiles, Containerfiles, Compose files, `.dockerignore`, Vagrantfiles, Earthfiles',
    paths: {
      names: ['containerfile', '.dockerignore', 'vagrantfile', 'earthfile', 'compose.yml', 'compose.yaml'],
      namePatterns: [/^dockerfile/, /\.dockerfile$/, /^containerfile\./, /^docker-compose.*\.ya?ml$/],
    },
  },
  {
    id: 'test-config', ecosystems: 'all', allowed: 'never', reason: 'the test command, runner configuration and test setup are evidence and come from the base commit',
    covers: 'Jest, Vitest, Mocha, Karma, AVA, Playwright, Cypress, nyc/c8, tap and test `tsconfig` files; pytest (`pytest.ini`, `pytest.toml`, `conftest.py`, `tox.ini`, `noxfile.py`, `.coveragerc`), JUnit Platform properties, `setup.cfg` `[tool:pytest]`, `pyproject.toml` `[tool.pytest*]`/`[tool.coverage*]`/`[tool.tox]`, `package.json` `jest`/`mocha`/`ava`/`nyc`/`c8` keys, cargo-nextest config',
    paths: {
      names: ['pytest.ini', '.pytest.ini', 'pytest.toml', '.pytest.toml', 'conftest.py', 'tox.ini', 'noxfile.py', '.coveragerc', 'cypress.json', '.taprc', 'mocha.opts', 'nextest.toml', 'phpunit.xml', 'phpunit.xml.dist', 'junit-platform.properties'],
      namePatterns: [
        ext('jest.config'), ext('jest.setup'), ext('jest.preset'), ext('vitest.config'), ext('vitest.workspace'), ext('vitest.setup'),
        ext('karma.conf'), ext('karma.config'), ext('ava.config'), ext('playwright.config'), ext('cypress.config'), ext('wdio.conf'),
        /^\.mocharc/, /^\.nycrc/, /^\.c8rc/, /^setuptests\./, /^tsconfig\..*(test|spec).*\.json$/, /^tsconfig-(test|spec)\.json$/,
      ],
    },
  },
  {
    id: 'package-scripts', ecosystems: 'npm', allowed: 'never', reason: 'package.json scripts decide what install, build and test run',
    covers: 'every entry of `scripts` in `package.json` (added, changed or removed), `packageManager`, `workspaces`, `bin`, `gypfile`',
  },
  {
    id: 'dependencies', ecosystems: 'npm, Python, Go, Rust', allowed: 'never by default; a caller of the guard may name the dependencies it allows (`GuardOptions.allowDependencies`; no command sets it)', reason: 'a fix does not add dependencies',
    covers: 'a dependency name new to `package.json`, `requirements*.txt`/`constraints*.txt`, `pyproject.toml`, `Cargo.toml` or `go.mod`; deleting a manifest or lockfile',
  },
  {
    id: 'dependency-sources', ecosystems: 'npm, Python, Go, Rust', allowed: 'never', reason: 'a fix does not change where dependencies come from',
    covers: 'git, URL, file, alias and scp-style (`git@host:owner/repo`) specs; `overrides`/`resolutions`/`pnpm.overrides`; pip index options and direct references; Poetry/uv/PDM sources; Cargo `git`/`path`/`registry` keys, `[patch]`, `[replace]`, `[source]`; Go `replace` and `toolchain`',
  },
  {
    id: 'lockfile-registries', ecosystems: 'npm, Python, Go, Rust, PHP, Ruby, .NET', allowed: 'never', reason: 'a lockfile may not gain a registry, tarball or VCS URL',
    covers: 'new URLs in `package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`, `bun.lock`, `poetry.lock`, `Pipfile.lock`, `uv.lock`, `pdm.lock`, `Cargo.lock`, `go.sum`, `composer.lock`, `Gemfile.lock`, `packages.lock.json`; creating a lockfile',
  },
  {
    id: 'build-backend', ecosystems: 'Python, Rust', allowed: 'never', reason: 'build backends and build scripts run at install',
    covers: '`pyproject.toml` `[build-system]`, `Cargo.toml` `build =` and `[build-dependencies]`, `setup.cfg` `[options]` entry points and setup requirements',
  },
  {
    id: 'unverifiable-manifest', ecosystems: 'Java, Kotlin, Ruby, PHP, .NET, Elixir, Dart, Swift, Deno, Conda, Python (`setup.cfg`, `Pipfile`)', allowed: 'never', reason: 'a dependency manifest whose dependencies cannot be verified here',
    covers: '`pom.xml`, `build.gradle(.kts)`, `settings.gradle(.kts)`, `build.sbt`, `Gemfile`, `*.gemspec`, `composer.json`, `*.csproj`, `Directory.Packages.props`, `packages.config`, `mix.exs`, `pubspec.yaml`, `Package.swift`, `deno.json(c)`, `environment.yml`, `Pipfile`, `setup.cfg` outside its test and tool sections',
  },
  { id: 'path-form', ecosystems: 'all', allowed: 'never', reason: 'the path is not a plain path inside the repository', covers: 'absolute paths, `..`, `~`, `.git`, backslashes, control, invisible or look-alike characters, paths not in normal form' },
  { id: 'symlink', ecosystems: 'all', allowed: 'never', reason: 'writes never go through a symbolic link', covers: 'a patch that creates or changes a symlink; a path whose existing part in the repository is a symlink' },
  { id: 'binary', ecosystems: 'all', allowed: 'never', reason: 'binary content cannot be reviewed', covers: 'binary patches (`GIT binary patch`, `Binary files … differ`) and binary file contents' },
  { id: 'hidden-text', ecosystems: 'all', allowed: 'never', reason: 'adds bidirectional-text control characters', covers: 'bidirectional-text controls new to a file (code that reads differently from how it runs)' },
  { id: 'size', ecosystems: 'all', allowed: 'never', reason: 'the file is larger than the limit', covers: 'files larger than `maxFileBytes` (512 KiB)' },
  { id: 'duplicate', ecosystems: 'all', allowed: 'never', reason: 'the path appears twice in the change set', covers: 'the same path (ignoring case) twice in one change' },
  { id: 'patch-form', ecosystems: 'all', allowed: 'never', reason: 'the patch cannot be read with certainty', covers: 'a patch with no file sections, a section whose paths cannot be read, hunks that do not apply to a manifest' },
];

export function policyRule(id: RuleId): PolicyRule {
  const rule = POLICY_RULES.find((r) => r.id === id);
  if (!rule) throw new Error(`unknown policy rule ${id}`);
  return rule;
}
