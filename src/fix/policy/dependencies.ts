/**
 * New dependencies and new package sources in manifests. Each checker returns the reasons to
 * refuse a change (empty when it adds nothing), given the manifest before and after.
 */
type Checker = (before: string, after: string, allowed: ReadonlySet<string>) => string[];

const NPM_SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall', 'prepare', 'prepublish', 'preprepare', 'postprepare'];

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

/** A version spec that points somewhere other than the registry (git, URL, file, alias, GitHub shorthand). */
const foreignSpec = (spec: string): boolean => /^(git|https?|file|link|npm|github|gitlab|bitbucket|workspace|portal|patch):|^[^@\s]+\/[^\s]+$/.test(spec.trim());

const packageJson: Checker = (beforeText, afterText, allowed) => {
  const after = parseJson(afterText);
  if (!after) return ['package.json is not valid JSON after the change'];
  const before = parseJson(beforeText) ?? {};
  const reasons: string[] = [];
  const known = new Set(NPM_SECTIONS.flatMap((s) => Object.keys(record(before[s]))));
  for (const section of NPM_SECTIONS) {
    const was = record(before[section]);
    for (const [name, spec] of Object.entries(record(after[section]))) {
      if (!known.has(name) && !allowed.has(name)) reasons.push(`adds dependency "${name}" to ${section}`);
      if (typeof spec === 'string' && foreignSpec(spec) && was[name] !== spec) reasons.push(`points dependency "${name}" at a non-registry source`);
    }
  }
  for (const key of ['overrides', 'resolutions', 'bundleDependencies', 'bundledDependencies', 'publishConfig']) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) reasons.push(`changes "${key}"`);
  }
  if (JSON.stringify(record(before['pnpm'])['overrides']) !== JSON.stringify(record(after['pnpm'])['overrides'])) reasons.push('changes "pnpm.overrides"');
  const scriptsBefore = record(before['scripts']);
  const scriptsAfter = record(after['scripts']);
  for (const script of INSTALL_SCRIPTS) {
    if (scriptsBefore[script] !== scriptsAfter[script]) reasons.push(`changes the "${script}" lifecycle script`);
  }
  return reasons;
};

const REQUIREMENT_OPTION = /^(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host|--no-index|-e|--editable)\b/;

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
    if (/:\/\/|^git\+|\s@\s/.test(line)) urls.add(line);
    const name = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(line)?.[0];
    if (name) names.add(normalizePy(name));
  }
  return { names, options, urls };
}

const requirements: Checker = (beforeText, afterText, allowed) => {
  const before = requirementLines(beforeText);
  const after = requirementLines(afterText);
  const reasons: string[] = [];
  for (const option of after.options) if (!before.options.has(option)) reasons.push(`changes the package index or sources (${option.split(/\s/)[0] ?? option})`);
  for (const url of after.urls) if (!before.urls.has(url)) reasons.push('adds a requirement from a URL or VCS');
  const allowedPy = new Set([...allowed].map(normalizePy));
  for (const name of after.names) if (!before.names.has(name) && !allowedPy.has(name)) reasons.push(`adds dependency "${name}"`);
  return reasons;
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

const toml: Checker = (beforeText, afterText, allowed) => {
  const before = tomlDependencies(beforeText);
  const allowedPy = new Set([...allowed].map(normalizePy));
  const reasons = [...tomlDependencies(afterText)].filter((n) => !before.has(n) && !allowedPy.has(n)).map((n) => `adds dependency "${n}"`);
  if (/(git|url|path|registry|index)\s*=/.test(afterText) && countMatches(afterText, /(git|url|path|registry|index)\s*=/g) > countMatches(beforeText, /(git|url|path|registry|index)\s*=/g)) {
    reasons.push('adds a dependency source (git, url, path, registry or index)');
  }
  return reasons;
};

function countMatches(text: string, re: RegExp): number {
  return [...text.matchAll(re)].length;
}

function goModules(text: string): { modules: Set<string>; replaces: number } {
  const modules = new Set<string>();
  let inRequire = false;
  let replaces = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (/^replace\b/.test(line)) replaces++;
    if (/^require\s*\($/.test(line)) inRequire = true;
    else if (inRequire && line === ')') inRequire = false;
    else {
      const m = inRequire ? /^(\S+)\s+\S+/.exec(line) : /^require\s+(\S+)\s+\S+/.exec(line);
      if (m?.[1]) modules.add(m[1]);
    }
  }
  return { modules, replaces };
}

const goMod: Checker = (beforeText, afterText, allowed) => {
  const before = goModules(beforeText);
  const after = goModules(afterText);
  const reasons = [...after.modules].filter((m) => !before.modules.has(m) && !allowed.has(m)).map((m) => `adds dependency "${m}"`);
  if (after.replaces > before.replaces) reasons.push('adds a replace directive');
  return reasons;
};

/** Manifests whose dependencies cannot be read reliably here: any change is refused. */
const UNVERIFIABLE = /^(gemfile|.*\.gemspec|setup\.py|setup\.cfg|pipfile|pom\.xml|build\.gradle(\.kts)?|settings\.gradle(\.kts)?|composer\.json|mix\.exs|pubspec\.yaml|package\.swift|.*\.csproj|directory\.packages\.props|packages\.config|deno\.jsonc?|environment\.ya?ml)$/;

export function manifestCheck(path: string, before: string | undefined, after: string, allowed: ReadonlySet<string>): string[] {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const prior = before ?? '';
  if (name === 'package.json') return packageJson(prior || '{}', after, allowed);
  if (/^(.*requirements.*|constraints.*)\.(txt|in)$/.test(name)) return requirements(prior, after, allowed);
  if (name === 'pyproject.toml' || name === 'cargo.toml') return toml(prior, after, allowed);
  if (name === 'go.mod') return goMod(prior, after, allowed);
  if (UNVERIFIABLE.test(name) && prior !== after) return ['changes a dependency manifest whose dependencies cannot be verified'];
  return [];
}
