import { DirectedGraph } from 'graphology';
import { pagerank } from '../../ecosystem/pagerank.js';
import type { IssueMentions } from './mentions.js';
import type { RankedFile, RepoIndex } from './schema.js';
import type { SearchHit } from './search.js';

/** The words of a file's name: `components/prism-rest.min.js` → prism, rest. */
function stemParts(p: string): string[] {
  return stem(p).split(/[-_.]+/).filter((x) => x.length >= 3);
}

function stem(p: string): string {
  const name = p.slice(p.lastIndexOf('/') + 1).toLowerCase();
  const dot = name.indexOf('.');
  return (dot > 0 ? name.slice(0, dot) : name).replace(/^test_|_test$|\.test$|\.spec$/, '');
}

/**
 * Ranks files by relevance to an issue: a PageRank over "file A uses a name file B defines"
 * (the repository's own structure, as Aider's repo map does), lifted strongly for files the issue
 * names, files defining identifiers the issue mentions, files whose name (or a distinctive part
 * of it) matches its words, and files where code search finds its identifiers.
 */
export function rankFiles(index: RepoIndex, mentions: IssueMentions, hits: readonly SearchHit[] = []): RankedFile[] {
  const hitCount = new Map<string, number>();
  for (const h of hits) hitCount.set(h.path, (hitCount.get(h.path) ?? 0) + 1);
  // Parts of file names (split on - _ .) that most files share, like a project prefix, say nothing.
  const partFiles = new Map<string, number>();
  for (const f of index.files) for (const p of new Set(stemParts(f.path))) partFiles.set(p, (partFiles.get(p) ?? 0) + 1);
  const common = (p: string): boolean => (partFiles.get(p) ?? 0) > Math.max(3, index.files.length * 0.1);
  // 1 for a part only one file carries, falling towards 0 as more files share it.
  const rarity = (p: string): number => {
    const total = Math.max(2, index.files.length);
    return Math.log2(total / Math.max(1, partFiles.get(p) ?? 1)) / Math.log2(total);
  };
  const outlined = index.files.filter((f) => f.parser !== 'none' || f.language !== null);
  const definers = new Map<string, string[]>();
  for (const f of outlined) for (const s of f.symbols) {
    const list = definers.get(s.name) ?? [];
    if (!list.includes(f.path)) list.push(f.path);
    definers.set(s.name, list);
  }
  const graph = new DirectedGraph({ allowSelfLoops: false });
  for (const f of outlined) graph.addNode(f.path);
  for (const f of outlined) {
    for (const ref of f.refs) {
      const targets = definers.get(ref);
      if (!targets || targets.length > 10) continue; // very common names say little
      for (const t of targets) {
        if (t === f.path) continue;
        const w = 1 / targets.length;
        if (graph.hasEdge(f.path, t)) graph.updateEdgeAttribute(f.path, t, 'weight', (x: unknown) => (typeof x === 'number' ? x : 0) + w);
        else graph.addEdge(f.path, t, { weight: w });
      }
    }
  }
  const pr: Record<string, number> = graph.order > 0 && graph.size > 0 ? pagerank(graph, { getEdgeWeight: 'weight' }) : {};
  const n = Math.max(1, graph.order);
  const mentionedIds = new Set(mentions.identifiers);
  const mentionedLower = new Set(mentions.identifiers.map((i) => i.toLowerCase()));
  const words = new Set(mentions.words);
  const titleWords = new Set(mentions.titleWords);
  const ranked: RankedFile[] = index.files.map((f) => {
    const reasons: string[] = [];
    // PageRank scaled to 1 on average and damped, so structure orders files but never outweighs what the issue names.
    let score = Math.log2(1 + (pr[f.path] ?? 1 / n) * n);
    if (mentions.paths.some((p) => f.path === p || f.path.endsWith(`/${p}`))) {
      score += 100;
      reasons.push('named in the issue');
    }
    const defined = f.symbols.filter((s) => mentionedIds.has(s.name)).length;
    if (defined > 0) {
      score += 20 * Math.min(defined, 3);
      reasons.push(`defines ${defined} identifier(s) the issue mentions`);
    }
    const used = f.refs.filter((r) => mentionedIds.has(r)).length;
    if (used > 0) score += 2 * Math.min(used, 3);
    const s = stem(f.path);
    if (s.length >= 3 && s.includes('_') && (words.has(s) || mentionedLower.has(s))) {
      score += 8;
      reasons.push('file name matches the issue');
    } else {
      // Each matching part of the name weighs by how few files carry it (its IDF relative to the
      // repository's size), twice as much from the title, which names what the issue is about.
      const parts = stemParts(f.path).filter((p) => !common(p) && (words.has(p) || mentionedLower.has(p)));
      const best = Math.max(0, ...parts.map((p) => (titleWords.has(p) ? 16 : 8) * rarity(p)));
      if (best > 0) {
        score += best;
        reasons.push(parts.length === 1 && parts[0] === s ? 'file name matches the issue' : 'a part of the file name matches the issue');
      }
    }
    const found = hitCount.get(f.path) ?? 0;
    if (found > 0) {
      score += 3 * Math.min(found, 4);
      reasons.push(`code search finds ${found} of the issue's identifiers`);
    }
    if (f.language === null) score *= 0.2;
    const symbols = f.symbols.map((sym) => ({ ...sym, mentioned: mentionedIds.has(sym.name) }))
      .sort((a, b) => Number(b.mentioned) - Number(a.mentioned) || Number(b.exported) - Number(a.exported) || a.line - b.line);
    return { path: f.path, score, reasons, symbols };
  });
  return ranked.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path));
}
