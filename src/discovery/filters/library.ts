import type { RepositorySignals } from '../../scoring/signals.js';
import { drop, KEEP, type RepositoryFilter } from './types.js';

/** File names at the top level that mark a package other code can depend on. */
const MANIFEST_FILES = new Set([
  'pyproject.toml', 'setup.py', 'setup.cfg', 'package.json', 'cargo.toml', 'go.mod', 'gemfile',
  'composer.json', 'pom.xml', 'build.gradle', 'build.gradle.kts', 'pubspec.yaml', 'mix.exs',
  'project.clj', 'deps.edn', 'build.sbt', 'package.swift', 'dune-project', 'stack.yaml', 'description',
  'cmakelists.txt', 'meson.build', 'build.zig', 'rebar.config', 'nimble', 'shard.yml', 'v.mod',
]);
const MANIFEST_PATTERNS = [/\.gemspec$/i, /\.cabal$/i, /\.csproj$/i, /\.fsproj$/i, /\.nimble$/i, /\.opam$/i, /\.podspec$/i, /\.rockspec$/i];

/** Files that only applications carry (framework configs, deployment descriptors). */
const APP_FILES = [/^next\.config\.[cm]?[jt]s$/i, /^nuxt\.config\.[jt]s$/i, /^vercel\.json$/i, /^netlify\.toml$/i, /^app\.json$/i, /^procfile$/i, /^manage\.py$/i, /^docker-compose\.ya?ml$/i, /^compose\.ya?ml$/i, /^fly\.toml$/i, /^svelte\.config\.js$/i, /^astro\.config\.m?[jt]s$/i, /^gatsby-config\.[jt]s$/i];

/** Language runtimes and compilers: enormous, with their own contribution processes. */
export const LANGUAGE_RUNTIMES: ReadonlySet<string> = new Set([
  'python/cpython', 'pypy/pypy', 'nodejs/node', 'denoland/deno', 'oven-sh/bun', 'golang/go', 'rust-lang/rust',
  'ruby/ruby', 'php/php-src', 'openjdk/jdk', 'dotnet/runtime', 'dotnet/roslyn', 'julialang/julia',
  'swiftlang/swift', 'apple/swift', 'jetbrains/kotlin', 'scala/scala', 'scala/scala3', 'v8/v8',
  'microsoft/typescript', 'elixir-lang/elixir', 'erlang/otp', 'ziglang/zig', 'crystal-lang/crystal',
  'nim-lang/nim', 'dart-lang/sdk', 'ghc/ghc', 'ocaml/ocaml', 'llvm/llvm-project', 'gcc-mirror/gcc', 'lua/lua', 'r-lib/r', 'wch/r-source',
]);

const LIBRARY_WORDS = ['library', 'lib', 'sdk', 'framework', 'package', 'module', 'toolkit', 'bindings', 'wrapper', 'client', 'parser', 'api client', 'plugin', 'crate', 'gem'];
const APP_WORDS = ['app', 'application', 'dashboard', 'website', 'web app', 'webapp', 'self-hosted', 'selfhosted', 'desktop', 'starter', 'boilerplate', 'template', 'demo', 'portfolio', 'clone'];
const DOC_WORDS = ['docs', 'documentation', 'handbook', 'tutorial', 'tutorials', 'course', 'book', 'cheatsheet', 'interview', 'roadmap', 'notes', 'guide', 'blog', 'website'];

function words(text: string): Set<string> {
  const lower = text.toLowerCase();
  const tokens = lower.split(/[^a-z0-9+#]+/).filter((t) => t !== '');
  const set = new Set(tokens);
  for (let i = 0; i + 1 < tokens.length; i++) set.add(`${tokens[i]} ${tokens[i + 1]}`);
  for (const t of lower.split(/[\s,;]+/)) if (t.includes('-')) set.add(t);
  return set;
}

function hits(vocabulary: readonly string[], bag: Set<string>): string[] {
  return vocabulary.filter((w) => bag.has(w));
}

export function isManifestFile(name: string): boolean {
  return MANIFEST_FILES.has(name.toLowerCase()) || MANIFEST_PATTERNS.some((p) => p.test(name));
}

type Verdict = { library: true; evidence: string } | { library: false; reason: string };

/**
 * Library or application? Evidence is weighed and named:
 * - dropped outright: awesome lists, documentation/book/course repositories, language runtimes;
 * - library evidence: a published package (+2), a package manifest at the top (+1), library
 *   words in the description/topics (+1 each, at most 2);
 * - application evidence: a private package.json (+2), application config files (+2),
 *   application words (+1 each, at most 2).
 * A repository is a library when the library evidence is larger.
 */
export function classifyLibrary(s: RepositorySignals): Verdict {
  const full = `${s.owner}/${s.name}`.toLowerCase();
  const nameBag = words(s.name.replace(/[-_.]/g, ' '));
  const topics = new Set(s.topics.map((t) => t.toLowerCase()));
  if (/^awesome([-_.]|$)/i.test(s.name) || topics.has('awesome') || topics.has('awesome-list')) {
    return { library: false, reason: 'an awesome list (curated links, no code)' };
  }
  if (LANGUAGE_RUNTIMES.has(full)) return { library: false, reason: 'a language runtime or compiler' };
  const docName = hits(DOC_WORDS, nameBag);
  if (docName.length > 0 || /\.github\.io$/i.test(s.name)) {
    return { library: false, reason: `a documentation/learning repository (name: ${docName[0] ?? 'github.io site'})` };
  }
  const bag = words(`${s.description ?? ''} ${s.topics.join(' ')}`);
  for (const t of topics) bag.add(t);
  const libWords = hits(LIBRARY_WORDS, bag).slice(0, 2);
  const appWords = hits(APP_WORDS, bag).slice(0, 2);
  const manifests = s.topLevelFiles.filter(isManifestFile);
  const published = s.manifests.filter((m) => m.publishes !== null && !m.path.includes('/'));
  const privateRoot = s.manifests.some((m) => m.isPrivate && !m.path.includes('/'));
  const appFiles = s.topLevelFiles.filter((f) => APP_FILES.some((p) => p.test(f)));

  const lib: string[] = [];
  let libScore = 0;
  if (published.length > 0) { libScore += 2; lib.push(`publishes ${published.map((m) => `${m.ecosystem}:${m.publishes ?? ''}`).join(', ')}`); }
  if (manifests.length > 0) { libScore += 1; lib.push(`manifest ${manifests.slice(0, 3).join(', ')}`); }
  if (libWords.length > 0) { libScore += libWords.length; lib.push(`words: ${libWords.join(', ')}`); }
  const app: string[] = [];
  let appScore = 0;
  if (privateRoot) { appScore += 2; app.push('private package.json'); }
  if (appFiles.length > 0) { appScore += 2; app.push(`app files ${appFiles.slice(0, 3).join(', ')}`); }
  if (appWords.length > 0) { appScore += appWords.length; app.push(`words: ${appWords.join(', ')}`); }

  if (libScore > appScore) return { library: true, evidence: lib.join('; ') };
  if (libScore === 0 && appScore === 0) return { library: false, reason: 'no package manifest and no library words in the description or topics' };
  return { library: false, reason: `looks like an application (${app.join('; ') || 'no library evidence'}) rather than a library (${lib.join('; ') || 'none'})` };
}

export const libraryFilter: RepositoryFilter = {
  name: 'library',
  apply: (s) => {
    const v = classifyLibrary(s);
    return v.library ? KEEP : drop('library', v.reason);
  },
};
