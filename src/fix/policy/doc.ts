/** Renders `docs/policy.md` from `POLICY_RULES`, so the document says exactly what the guard does. */
import { POLICY_RULES, type PathMatchers } from './rules.js';

const code = (s: string): string => `\`${s}\``;

function pathCell(m: PathMatchers | undefined): string {
  if (!m) return 'content check';
  const parts = [
    ...(m.names ?? []).map(code),
    ...(m.namePatterns ?? []).map((re) => code(re.source.replace(/\|/g, '\\|'))),
    ...(m.dirs ?? []).map((d) => code(`${d}…`)),
  ];
  return parts.join(' ');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderPolicyDoc(): string {
  const rows = POLICY_RULES.map((r) => `| ${code(r.id)} | ${cell(r.ecosystems)} | ${cell(r.covers)} | ${cell(r.allowed)} | ${pathCell(r.paths)} |`);
  return [
    '# Fix policy',
    '',
    '<!-- Generated from src/fix/policy/rules.ts by `node --import tsx scripts/policy-doc.ts`; a test fails when it is out of date. -->',
    '',
    'What a generated fix may never touch, or may touch only with a named reason. The same rules',
    'judge the fix pipeline\'s changes before validation and every patch given to `globallm validate`,',
    'which answers `refused` with the rule and the file (`refused by rule "ci" (…): action.yml`).',
    '',
    'Paths are matched on a canonical key: lower case, Unicode compatibility forms folded, invisible',
    'characters and common Cyrillic/Greek look-alike letters folded, backslashes read as `/`, `./`,',
    '`//` and `..` resolved, trailing dots and spaces dropped. Names match in any directory; directories',
    'match at the root or below any directory. Both sides of a rename or copy are checked, deleted',
    'files too, and binary patches are judged like text ones. A path that is not plain (absolute,',
    '`..`, `~`, `.git`, backslashes, invisible characters) is refused on its own (`path-form`).',
    '',
    'Content rules read the file before and after the change: `package.json`, `requirements*.txt`,',
    '`constraints*.txt`, `pyproject.toml`, `setup.cfg`, `Cargo.toml`, `go.mod` and the lockfiles.',
    '',
    '| rule | ecosystems | covers | allowed | paths |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
