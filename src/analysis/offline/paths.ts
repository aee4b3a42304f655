import { RepoRelativePath } from '../schema.js';

/** File extensions that make a mentioned token look like a repository file. */
const EXTENSIONS = [
  'ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'json', 'py', 'pyi', 'rs', 'go', 'java', 'kt', 'scala', 'rb', 'php', 'cs',
  'c', 'h', 'cc', 'cpp', 'hpp', 'cxx', 'm', 'mm', 'swift', 'dart', 'lua', 'sh', 'bash', 'ps1', 'md', 'rst', 'txt',
  'yml', 'yaml', 'toml', 'ini', 'cfg', 'xml', 'gradle', 'cmake', 'proto', 'sql', 'html', 'css', 'scss', 'vue', 'svelte', 'ex', 'exs', 'bzl',
];
const WELL_KNOWN = ['Makefile', 'Dockerfile', 'CMakeLists.txt', 'BUILD', 'WORKSPACE', 'Cargo.toml', 'go.mod', 'package.json'];

const PATH_LIKE = new RegExp(
  String.raw`(?<![\w./:@-])((?:[\w.-]+/)*[\w-][\w.-]*\.(?:${EXTENSIONS.join('|')}))(?=$|[\s:,;)'"\]\`>#]|\.(?:\s|$))`,
  'gm',
);
const URL = /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi;
const MAX_FILES = 20;

/**
 * Repository-relative file paths mentioned in issue text, in order of first mention. URLs, absolute
 * paths (machine paths from logs), `..` paths and anything the schema would reject are left out.
 */
export function extractMentionedFiles(text: string): string[] {
  const found = new Set<string>();
  const withoutUrls = text.replace(URL, ' ');
  for (const match of withoutUrls.matchAll(PATH_LIKE)) {
    const raw = (match[1] ?? '').replace(/^\.\//, '');
    if (/^\d+(\.\d+)+$/.test(raw.replace(/\.\w+$/, ''))) continue; // a version number, not a file
    if (!raw.includes('/') && !WELL_KNOWN.includes(raw) && !/^[\w-]+\.[a-z]+$/i.test(raw)) continue;
    if (RepoRelativePath.safeParse(raw).success) found.add(raw);
    if (found.size >= MAX_FILES) break;
  }
  for (const name of WELL_KNOWN) {
    if (found.size >= MAX_FILES) break;
    if (new RegExp(String.raw`(?<![\w./-])${name.replace('.', '\\.')}(?![\w-])(?!\.\w)`).test(withoutUrls)) found.add(name);
  }
  return [...found];
}
