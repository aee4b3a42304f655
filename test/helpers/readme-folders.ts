import { section } from './readme-commands.js';

/** One row of the README's folder table: the folders its first column names, and the row's text. */
export interface FolderRow {
  folders: string[];
  text: string;
}

/** The rows of the `| folder | what lives there |` table in the Architecture section. */
export function folderTable(readme: string): FolderRow[] {
  const lines = section(readme, 'Architecture').split('\n');
  const header = lines.findIndex((l) => /^\|\s*folder\s*\|/.test(l));
  if (header < 0) throw new Error('the Architecture section has no "| folder |" table');
  const rows: FolderRow[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const first = line.split('|')[1] ?? '';
    const folders = [...first.matchAll(/`([^`]+)`/g)].map((m) => (m[1] ?? '').replace(/\/$/, ''));
    if (folders.length === 0) throw new Error(`a folder-table row names no folder: ${line}`);
    rows.push({ folders, text: line });
  }
  return rows;
}

/**
 * Compares the table with the folders directly under `src/`: `missing` are folders the table does
 * not name, `stale` are named folders that do not exist. A row that says its folder is "not in
 * git" (a build output) may name a folder that is absent.
 */
export function folderCoverage(rows: readonly FolderRow[], srcFolders: readonly string[], exists: (folder: string) => boolean): { missing: string[]; stale: string[] } {
  const named = new Set(rows.flatMap((r) => r.folders));
  const missing = srcFolders.map((f) => `src/${f}`).filter((f) => !named.has(f)).sort();
  const stale = rows
    .filter((r) => !/not in git/.test(r.text))
    .flatMap((r) => r.folders)
    .filter((f) => (f.startsWith('src/') ? !srcFolders.includes(f.slice('src/'.length)) : !exists(f)))
    .sort();
  return { missing, stale };
}
