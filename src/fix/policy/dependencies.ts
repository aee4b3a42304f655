/**
 * Manifests: new dependencies, changed dependency sources, scripts, build backends and test
 * configuration. Each checker returns the findings for one change (empty when it is clean),
 * given the manifest before and after.
 */
import { changedSections, sectionKey } from './sections.js';
import { finding, type Finding } from './types.js';

type Checker = (before: string, after: string, allowed: ReadonlySet<string>) => Finding[];

const NPM_SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

const normalizePy = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

function record(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    return record(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * A version spec that points somewhere other than the registry: any scheme (`git:`, `file:`,
 * `npm:` aliases…), a path, GitHub shorthand `owner/repo`, or scp-style `git@host:owner/repo`.
 * Registry ranges and dist-tags hold none of `: / @ # \`.
 */
const foreignSpec = (spec: string): boolean => /[:/@#\\]/.test(spec) || /^\.\.?$/.test(spec.trim());

const TEST_CONFIG_KEYS = ['jest', 'mocha', 'ava', 'nyc', 'c8', 'vitest', 'tap'];
const PACKAGE_RUN_KEYS = ['packageManager', 'workspaces', 'bin', 'gypfile', 'config'];
const NPM_SOURCE_KEYS = ['overrides', 'resolutions', 'bundleDependencies', 'bundledDependencies', 'publishConfig'];
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function changedScripts(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((n) => before[n] !== after[n]).sort();
}

function npmDependencyFindings(before: Record<string, unknown>, after: Record<string, unknown>, allowed: ReadonlySet<string>): Finding[] {
  const out: Finding[] = [];
  const known = new Set(NPM_SECTIONS.flatMap((s) => Object.keys(record(before[s]))));
  for (const section of NPM_SECTIONS) {
    const was = record(before[section]);
    for (const [name, spec] of Object.entries(record(after[section]))) {
      if (!known.has(name) && !allowed.has(name)) out.push(finding('dependencies', `adds dependency "${name}" to ${section}`));
      if (typeof spec !== 'string' || (foreignSpec(spec) && was[name] !== spec)) out.push(finding('dependency-sources', `points dependency "${name}" at a non-registry source`));
    }
  }
  return out;
}

const packageJson: Checker = (beforeText, afterText, allowed) => {
  const after = parseJson(afterText);
  if (!after) return [finding('patch-form', 'package.json is not valid JSON after the change')];
  const before = parseJson(beforeText) ?? {};
  const out = npmDependencyFindings(before, after, allowed);
  for (const key of NPM_SOURCE_KEYS) if (!same(before[key], after[key])) out.push(finding('dependency-sources', `changes "${key}"`));
  if (!same(record(before['pnpm']), record(after['pnpm']))) out.push(finding('dependency-sources', 'changes the "pnpm" settings'));
  const scripts = changedScripts(record(before['scripts']), record(after['scripts']));
  if (scripts.length > 0) out.push(finding('package-scripts', `changes the script(s) ${scripts.map((n) => `"${n}"`).join(', ')}`));
  for (const key of PACKAGE_RUN_KEYS) if (!same(before[key], after[key])) out.push(finding('package-scripts', `changes "${key}"`));
  for (const key of TEST_CONFIG_KEYS) if (!same(before[key], after[key])) out.push(finding('test-config', `changes the "${key}" test configuration`));
  return out;
};

const REQUIREMENT_OPTION = /^(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host|--no-index|-e|--editable|--pre|--use-feature|--config-settings|--global-option|--install-option)\b/;

function requirementLines(text: string): { names: Set<string>; options: Set<string>; urls: Set<string> } {
  const names = new Set<string>();
  const options = new Set<string>();
  const urls = new Set<string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    if (line.startsWith('-')) {
      if (REQUIREMENT_OPTION.test(line)) options.add(line);
      continue;
    }
    if (/:\/\/|^git\+|@|^\.{0,2}\/|\.(whl|zip|tar\.gz|tgz)\b/.test(line)) urls.add(line);
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(line)?.[0];
    if (name) names.add(normalizePy(name));
  }
  return { names, options, urls };
}

const requirements: Checker = (beforeText, afterText, allowed) => {
  const before = requirementLines(beforeText);
  const after = requirementLines(afterText);
  const out: Finding[] = [];
  for (const option of after.options) if (!before.options.has(option)) out.push(finding('dependency-sources', `changes the package index or sources (${option.split(/\s/)[0] ?? option})`));
  for (const url of after.urls) if (!before.urls.has(url)) out.push(finding('dependency-sources', 'adds a requirement from a URL, path or VCS'));
  const allowedPy = new Set([...allowed].map(normalizePy));
  for (const name of after.names) if (!before.names.has(name) && !allowedPy.has(name)) out.push(finding('dependencies', `adds dependency "${name}"`));
  return out;
};

/** Dependency names in a TOML manifest (pyproject.toml, Cargo.toml), read line by line. */
function tomlDependencies(text: string): Set<string> {
  const names = new Set<string>();
  let table = '';
  let inArray = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    const header = /^\[\[?([^\]]+)\]\]?$/.exec(line);
    if (header) {
      table = (header[1] ?? '').trim().toLowerCase();
      inArray = false;
      continue;
    }
    const depTable = /dependencies|dependency-groups/.test(table);
    const key = /^([A-Za-z0-9_.-]+|"[^"]+")\s*=/.exec(line);
    if (key && depTable && !/=\s*\[/.test(line)) names.add(normalizePy((key[1] ?? '').replace(/"/g, '')));
    if (/^(dependencies|requires|[A-Za-z0-9_-]+)\s*=\s*\[/.test(line) && (depTable || /^(dependencies|requires)\s*=/.test(line))) inArray = true;
    if (inArray) {
      for (const m of line.matchAll(/["']([A-Za-z0-9][A-Za-z0-9._-]*)/g)) names.add(normalizePy(m[1] ?? ''));
      if (line.includes(']')) inArray = false;
    }
  }
  return names;
}

const TOML_SOURCE_KEYS = /\b(git|url|path|registry|index|registry-index|branch|rev|tag)\s*=\s*("[^"]*"|'[^']*'|[^\s,}]+)|"[^"]*\s@\s[^"]*"|'[^']*\s@\s[^']*'/g;

function tomlDependencyFindings(beforeText: string, afterText: string, allowed: ReadonlySet<string>): Finding[] {
  const before = tomlDependencies(beforeText);
  const allowedPy = new Set([...allowed].map(normalizePy));
  const out = [...tomlDependencies(afterText)].filter((n) => !before.has(n) && !allowedPy.has(n)).map((n) => finding('dependencies', `adds dependency "${n}"`));
  const known = new Set([...beforeText.matchAll(TOML_SOURCE_KEYS)].map((m) => m[0]));
  if ([...afterText.matchAll(TOML_SOURCE_KEYS)].some((m) => !known.has(m[0]))) out.push(finding('dependency-sources', 'adds a dependency source (git, url, path, registry, index or a direct reference)'));
  return out;
}

/** Which rule a changed TOML/INI section falls under, if any. */
type SectionRules = readonly (readonly [RegExp, Finding['rule']])[];

function sectionFindings(beforeText: string, afterText: string, rules: SectionRules, file: string): Finding[] {
  const out: Finding[] = [];
  for (const name of changedSections(beforeText, afterText)) {
    const rule = rules.find(([re]) => re.test(name))?.[1];
    if (rule) out.push(finding(rule, `changes [${name}] in ${file}`));
  }
  return out;
}

const PYPROJECT_SECTIONS: SectionRules = [
  [/^build-system/, 'build-backend'],
  [/^tool\.(pytest|coverage|tox|nox)/, 'test-config'],
  [/^tool\.hatch\.(envs|build)|^tool\.setuptools\.(cmdclass|ext)|^tool\.scikit-build|^tool\.maturin|^tool\.pdm\.(build|scripts)|^tool\.poetry\.(build|scripts|plugins)|^project\.(scripts|entry-points|gui-scripts)/, 'build-backend'],
  [/^tool\.(poetry\.source|uv\.sources|uv\.index|uv$|pdm\.source|pip)/, 'dependency-sources'],
];

const CARGO_SECTIONS: SectionRules = [
  [/^(patch|replace|source|registries|registry)(\.|$)/, 'dependency-sources'],
  [/^(target\..*\.)?build-dependencies/, 'build-backend'],
];

const SETUP_CFG_SECTIONS: SectionRules = [
  [/^(tool:pytest|coverage:|tox|pytest)/, 'test-config'],
  [/^(flake8|isort|mypy|pycodestyle|pydocstyle|pylint|bdist_wheel|metadata|egg_info|sdist|codespell|yapf|pep8)/, 'unverifiable-manifest'],
];

const pyproject: Checker = (before, after, allowed) => [...tomlDependencyFindings(before, after, allowed), ...sectionFindings(before, after, PYPROJECT_SECTIONS, 'pyproject.toml')];

const cargoToml: Checker = (before, after, allowed) => {
  const out = [...tomlDependencyFindings(before, after, allowed), ...sectionFindings(before, after, CARGO_SECTIONS, 'Cargo.toml')];
  for (const key of ['build', 'links', 'proc-macro']) {
    if (sectionKey(before, 'package', key) !== sectionKey(after, 'package', key)) out.push(finding('build-backend', `changes "${key}" in [package] of Cargo.toml`));
  }
  return out;
};

/** setup.cfg: tool sections for linters are fine; test sections are evidence; anything else is packaging. */
const setupCfg: Checker = (before, after) => {
  const out: Finding[] = [];
  for (const name of changedSections(before, after)) {
    const rule = SETUP_CFG_SECTIONS.find(([re]) => re.test(name))?.[1];
    if (rule === 'test-config') out.push(finding('test-config', `changes [${name}] in setup.cfg`));
    else if (rule === undefined) out.push(finding('unverifiable-manifest', `changes [${name}] in setup.cfg`));
  }
  return out;
};

function goModules(text: string): { modules: Set<string>; replaces: Set<string>; toolchain: string } {
  const modules = new Set<string>();
  const replaces = new Set<string>();
  const toolchain: string[] = [];
  let block = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, '').trim().replace(/\s+/g, ' ');
    const open = /^(require|replace|exclude|retract|tool|godebug) \($/.exec(line);
    if (open) block = open[1] ?? '';
    else if (block !== '' && line === ')') block = '';
    else if (/^(go|toolchain) /.test(line)) toolchain.push(line);
    else if (block === 'replace' && line !== '') replaces.add(line);
    else if (line.startsWith('replace ')) replaces.add(line.slice('replace '.length));
    else {
      const m = block === 'require' ? /^(\S+) \S+/.exec(line) : /^require (\S+) \S+/.exec(line);
      if (m?.[1]) modules.add(m[1]);
    }
  }
  return { modules, replaces, toolchain: toolchain.join('\n') };
}

const goMod: Checker = (beforeText, afterText, allowed) => {
  const before = goModules(beforeText);
  const after = goModules(afterText);
  const out = [...after.modules].filter((m) => !before.modules.has(m) && !allowed.has(m)).map((m) => finding('dependencies', `adds dependency "${m}"`));
  if ([...after.replaces].some((r) => !before.replaces.has(r))) out.push(finding('dependency-sources', 'adds or changes a replace directive'));
  if (after.toolchain !== before.toolchain) out.push(finding('toolchain-pins', 'changes the go or toolchain directive'));
  return out;
};

/** Manifests whose dependencies cannot be read reliably here: any change is refused. */
const UNVERIFIABLE = /^(gemfile|.*\.gemspec|pipfile|pom\.xml|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|build\.sbt|composer\.json|mix\.exs|pubspec\.yaml|package\.swift|.*\.(cs|fs|vb)proj|directory\.(packages|build)\.props|directory\.build\.targets|packages\.config|deno\.jsonc?|environment\.ya?ml|meson\.build|cmakelists\.txt|vcpkg\.json|conanfile\.txt)$/;

const MANIFESTS: readonly (readonly [RegExp, Checker])[] = [
  [/^package\.json$/, (b, a, allowed) => packageJson(b || '{}', a, allowed)],
  [/^(.*requirements.*|constraints.*)\.(txt|in)$/, requirements],
  [/^pyproject\.toml$/, pyproject],
  [/^cargo\.toml$/, cargoToml],
  [/^setup\.cfg$/, setupCfg],
  [/^go\.mod$/, goMod],
];

/** True for files whose content this module judges (so a patch to one must be readable). */
export function isManifest(path: string): boolean {
  const name = manifestName(path);
  return MANIFESTS.some(([re]) => re.test(name)) || UNVERIFIABLE.test(name);
}

/** The name a manifest is known by: files under a `requirements/` folder are requirements files. */
function manifestName(path: string): string {
  const lower = path.toLowerCase();
  if (/(^|\/)requirements\/[^/]+\.(txt|in)$/.test(lower)) return 'requirements.txt';
  return lower.slice(lower.lastIndexOf('/') + 1);
}

export function manifestCheck(path: string, before: string | undefined, after: string, allowed: ReadonlySet<string>): Finding[] {
  const name = manifestName(path);
  const prior = before ?? '';
  const checker = MANIFESTS.find(([re]) => re.test(name))?.[1];
  if (checker) return checker(prior, after, allowed);
  if (UNVERIFIABLE.test(name) && prior !== after) return [finding('unverifiable-manifest', 'changes a dependency manifest whose dependencies cannot be verified')];
  return [];
}
