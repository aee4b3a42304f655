import { createRequire } from 'node:module';
import Parser from 'web-tree-sitter';
import { logger } from '../../log.js';
import type { RepoSymbol, SymbolKind } from './schema.js';

const log = logger.child({ component: 'repo-map' });
const require = createRequire(import.meta.url);

const JS_COMMON = `
(function_declaration name: (identifier) @def.function)
(generator_function_declaration name: (identifier) @def.function)
(method_definition name: (property_identifier) @def.method)
(variable_declarator name: (identifier) @def.variable value: (arrow_function))
(call_expression function: (identifier) @ref)
(call_expression function: (member_expression property: (property_identifier) @ref))
(new_expression constructor: (identifier) @ref)
`;

/** Definitions (`@def.<kind>`) and references (`@ref`) per grammar. */
const QUERIES: Record<string, string> = {
  python: `
(class_definition name: (identifier) @def.class)
(function_definition name: (identifier) @def.function)
(call function: (identifier) @ref)
(call function: (attribute attribute: (identifier) @ref))
`,
  javascript: `${JS_COMMON}
(class_declaration name: (identifier) @def.class)
`,
  typescript: `${JS_COMMON}
(class_declaration name: (type_identifier) @def.class)
(abstract_class_declaration name: (type_identifier) @def.class)
(interface_declaration name: (type_identifier) @def.interface)
(type_alias_declaration name: (type_identifier) @def.type)
(type_identifier) @ref
`,
  go: `
(function_declaration name: (identifier) @def.function)
(method_declaration name: (field_identifier) @def.method)
(type_spec name: (type_identifier) @def.type)
(call_expression function: (identifier) @ref)
(call_expression function: (selector_expression field: (field_identifier) @ref))
(type_identifier) @ref
`,
  rust: `
(function_item name: (identifier) @def.function)
(struct_item name: (type_identifier) @def.class)
(enum_item name: (type_identifier) @def.type)
(trait_item name: (type_identifier) @def.interface)
(call_expression function: (identifier) @ref)
(call_expression function: (field_expression field: (field_identifier) @ref))
(call_expression function: (scoped_identifier name: (identifier) @ref))
(type_identifier) @ref
`,
  java: `
(class_declaration name: (identifier) @def.class)
(interface_declaration name: (identifier) @def.interface)
(method_declaration name: (identifier) @def.method)
(method_invocation name: (identifier) @ref)
(object_creation_expression type: (type_identifier) @ref)
(type_identifier) @ref
`,
};
QUERIES['tsx'] = QUERIES['typescript'] ?? '';

interface Loaded {
  parser: Parser;
  query: Parser.Query;
}

let init: Promise<void> | undefined;
const grammars = new Map<string, Promise<Loaded | null>>();

async function load(grammar: string): Promise<Loaded | null> {
  init ??= Parser.init();
  await init;
  const source = QUERIES[grammar];
  if (source === undefined) return null;
  const language = await Parser.Language.load(require.resolve(`tree-sitter-wasms/out/tree-sitter-${grammar}.wasm`));
  const parser = new Parser();
  parser.setLanguage(language);
  return { parser, query: language.query(source) };
}

/** The parser for a grammar, or null when it has none or it failed to load (the regex outline is used then). */
export function grammarFor(grammar: string): Promise<Loaded | null> {
  let p = grammars.get(grammar);
  if (!p) {
    p = load(grammar).catch((err: unknown) => {
      log.warn({ err, grammar }, 'tree-sitter grammar failed to load; using the regex outline');
      return null;
    });
    grammars.set(grammar, p);
  }
  return p;
}

const MAX_REFS = 2000;

function isExported(node: Parser.SyntaxNode, grammar: string, name: string): boolean {
  switch (grammar) {
    case 'python': return !name.startsWith('_') && node.parent?.parent?.type === 'module';
    case 'go': return /^[A-Z]/.test(name);
    case 'rust': return node.parent?.children.some((c) => c.type === 'visibility_modifier') ?? false;
    case 'java': return /\bpublic\b/.test(node.parent?.children.find((c) => c.type === 'modifiers')?.text ?? '');
    default: {
      for (let n: Parser.SyntaxNode | null = node.parent; n; n = n.parent) {
        if (n.type === 'export_statement') return true;
        if (n.type === 'program') return false;
      }
      return false;
    }
  }
}

function refine(kind: SymbolKind, node: Parser.SyntaxNode, grammar: string): SymbolKind {
  if (grammar === 'python' && kind === 'function') {
    for (let n = node.parent?.parent ?? null; n; n = n.parent) {
      if (n.type === 'class_definition') return 'method';
      if (n.type === 'function_definition') return 'function';
    }
  }
  if (kind === 'variable') return 'function';
  return kind;
}

/** Symbols and references of one file via tree-sitter; null when the grammar is unavailable. */
export async function treeSitterOutline(grammar: string, text: string): Promise<{ symbols: RepoSymbol[]; refs: string[] } | null> {
  const loaded = await grammarFor(grammar);
  if (!loaded) return null;
  const tree = loaded.parser.parse(text);
  try {
    const symbols: RepoSymbol[] = [];
    const refs = new Set<string>();
    for (const capture of loaded.query.captures(tree.rootNode)) {
      const name = capture.node.text;
      if (name.length === 0 || name.length > 200) continue;
      if (capture.name === 'ref') {
        if (refs.size < MAX_REFS) refs.add(name);
        continue;
      }
      const kind = capture.name.slice('def.'.length) as SymbolKind;
      symbols.push({ name, kind: refine(kind, capture.node, grammar), line: capture.node.startPosition.row + 1, exported: isExported(capture.node, grammar, name) });
    }
    const defined = new Set(symbols.map((s) => s.name));
    return { symbols, refs: [...refs].filter((r) => !defined.has(r)) };
  } finally {
    tree.delete();
  }
}
