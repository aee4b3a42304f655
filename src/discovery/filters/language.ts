import { drop, KEEP, type RepositoryFilter } from './types.js';

/** Linguist languages that are markup, data, notebooks or build glue rather than library code. */
export const NON_PROGRAMMING_LANGUAGES: ReadonlySet<string> = new Set([
  'markdown', 'html', 'css', 'scss', 'sass', 'less', 'stylus', 'tex', 'bibtex', 'shell', 'batchfile',
  'powershell', 'dockerfile', 'makefile', 'cmake', 'jupyter notebook', 'rich text format', 'roff',
  'restructuredtext', 'asciidoc', 'org', 'text', 'json', 'yaml', 'toml', 'xml', 'csv', 'svg',
  'vim script', 'jinja', 'handlebars', 'mdx',
]);

export function isProgrammingLanguage(language: string): boolean {
  return !NON_PROGRAMMING_LANGUAGES.has(language.trim().toLowerCase());
}

/** Keeps repositories whose primary language is a programming language. */
export const languageFilter: RepositoryFilter = {
  name: 'language',
  apply: (s) => {
    if (s.primaryLanguage === null) return drop('language', 'no primary language detected (empty or non-code repository)');
    if (!isProgrammingLanguage(s.primaryLanguage)) return drop('language', `primary language ${s.primaryLanguage} is not a programming language`);
    return KEEP;
  },
};
