/** Source languages the repo map outlines, by file extension; the grammar name is tree-sitter-wasms' file name. */
export interface LanguageInfo {
  name: string;
  grammar?: string;
}

const BY_EXT: Record<string, LanguageInfo> = {
  py: { name: 'python', grammar: 'python' },
  js: { name: 'javascript', grammar: 'javascript' },
  mjs: { name: 'javascript', grammar: 'javascript' },
  cjs: { name: 'javascript', grammar: 'javascript' },
  jsx: { name: 'javascript', grammar: 'javascript' },
  ts: { name: 'typescript', grammar: 'typescript' },
  mts: { name: 'typescript', grammar: 'typescript' },
  cts: { name: 'typescript', grammar: 'typescript' },
  tsx: { name: 'typescript', grammar: 'tsx' },
  go: { name: 'go', grammar: 'go' },
  rs: { name: 'rust', grammar: 'rust' },
  java: { name: 'java', grammar: 'java' },
  rb: { name: 'ruby' },
  php: { name: 'php' },
  c: { name: 'c' },
  h: { name: 'c' },
  cc: { name: 'cpp' },
  cpp: { name: 'cpp' },
  hpp: { name: 'cpp' },
  cs: { name: 'csharp' },
  kt: { name: 'kotlin' },
  swift: { name: 'swift' },
  scala: { name: 'scala' },
};

export function languageOf(path: string): LanguageInfo | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  return BY_EXT[name.slice(dot + 1).toLowerCase()];
}

/** Directories whose files are generated or vendored: listed, never outlined. */
export const SKIP_DIRS = /(^|\/)(node_modules|vendor|third_party|dist|build|out|target|\.venv|venv|__pycache__|\.tox|coverage)\//;
