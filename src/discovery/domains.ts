import { z } from 'zod';
import { UsageError } from '../errors.js';

/**
 * Predefined discovery domains, each a set of keyword queries (GitHub search text; quoted
 * phrases match as phrases). `overall` has one empty query: every repository, ranked by stars.
 */
export const DOMAINS = {
  ai_ml: ['"machine learning"', '"deep learning"', 'llm', 'transformer', '"neural network"', 'ai'],
  web_dev: ['"web framework"', 'frontend', 'backend', 'fullstack', '"http server"', 'api'],
  data_science: ['"data science"', 'analytics', 'visualization', 'dataframe', 'pandas', 'numpy'],
  cloud_devops: ['kubernetes', 'docker', 'terraform', 'devops', 'cicd', 'observability'],
  mobile: ['android', 'ios', '"react native"', 'flutter', 'mobile'],
  security: ['security', 'cybersecurity', 'cryptography', 'authentication', '"penetration testing"'],
  games: ['"game engine"', 'gamedev', '"game development"', 'pygame', 'unity', 'godot'],
  overall: [''],
} as const satisfies Record<string, readonly string[]>;

export type Domain = keyof typeof DOMAINS;
export const DOMAIN_NAMES = Object.keys(DOMAINS) as Domain[];

/**
 * Programming languages one can discover by, by their GitHub linguist names (linguist
 * `type: programming`). Markup, data and shell-like languages are left out on purpose; see
 * filters/language.ts.
 */
export const LANGUAGES = [
  'Ada', 'Assembly', 'C', 'C#', 'C++', 'Clojure', 'COBOL', 'CoffeeScript', 'Common Lisp', 'Crystal',
  'Cuda', 'D', 'Dart', 'Elixir', 'Elm', 'Emacs Lisp', 'Erlang', 'F#', 'Fortran', 'GDScript', 'Gleam',
  'GLSL', 'Go', 'Groovy', 'Haskell', 'Haxe', 'HCL', 'Java', 'JavaScript', 'Julia', 'Kotlin', 'Lua',
  'MATLAB', 'Mojo', 'Nim', 'Nix', 'Objective-C', 'Objective-C++', 'OCaml', 'Pascal', 'Perl', 'PHP',
  'PureScript', 'Python', 'R', 'Racket', 'Raku', 'ReScript', 'Ruby', 'Rust', 'Scala', 'Scheme',
  'Solidity', 'Svelte', 'Swift', 'Tcl', 'TypeScript', 'V', 'Vala', 'Verilog', 'VHDL', 'Vue', 'WebAssembly',
  'Zig',
] as const;
export type LinguistLanguage = (typeof LANGUAGES)[number];

const LANGUAGE_BY_LOWER = new Map<string, LinguistLanguage>(LANGUAGES.map((l) => [l.toLowerCase(), l]));

/** The canonical linguist name for `name` (case-insensitive), or null when it is not listed. */
export function canonicalLanguage(name: string): LinguistLanguage | null {
  return LANGUAGE_BY_LOWER.get(name.trim().toLowerCase()) ?? null;
}

/** GitHub topic syntax: lower-case letters, digits and hyphens, at most 50 characters. */
const TOPIC = /^[a-z0-9][a-z0-9-]{0,49}$/;

export const DiscoveryQuery = z.object({
  domain: z.enum(DOMAIN_NAMES as [Domain, ...Domain[]]),
  language: z.string().transform((s, ctx) => {
    const l = canonicalLanguage(s);
    if (l === null) {
      ctx.addIssue({ code: 'custom', message: `unknown language "${s}"` });
      return z.NEVER;
    }
    return l;
  }).optional(),
  minStars: z.number().int().nonnegative().default(100),
  pushedWithinDays: z.number().int().positive().max(3650).default(365),
  topic: z.string().regex(TOPIC, 'topics are lower-case letters, digits and hyphens (at most 50)').optional(),
}).strict();
export type DiscoveryQuery = z.infer<typeof DiscoveryQuery>;

/**
 * Validates a discovery request (CLI flags, config). An unknown domain or language is a
 * UsageError whose message lists the valid values.
 */
export function parseDiscoveryQuery(input: unknown): DiscoveryQuery {
  const result = DiscoveryQuery.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    if (key === 'domain') return `unknown domain; valid domains: ${DOMAIN_NAMES.join(', ')}`;
    if (key === 'language') return `${issue.message}; valid languages: ${LANGUAGES.join(', ')}`;
    return `${key === '' ? 'query' : key}: ${issue.message}`;
  });
  throw new UsageError(`invalid discovery query — ${problems.join('; ')}`);
}
