import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrsListJson } from '../../../src/cli/commands/json-schemas.js';
import { openPullRequest, type ContributeDeps } from '../../../src/contribute/contribute.js';
import { LocalForgeWriter } from '../../../src/forge/local/writer.js';
import { runCli } from '../../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { createTypoRepo, typoFix } from '../../helpers/local-typo-repo.js';

// `prs list` on an issue where newer fixes of ours replaced older PRs: each replaced row names the PR that replaced it.

let db: TestDatabase;
let root: string;

before(async () => {
  db = await createTestDatabase();
  root = await mkdtemp(path.join(tmpdir(), 'prs-list-'));
  await createTypoRepo(root, 'listed');
});
after(async () => {
  await db.drop();
  await rm(root, { recursive: true, force: true });
});

test('prs list names, for each PR a newer fix replaced, the PR that replaced it; the current one names none', async () => {
  const deps: ContributeDeps = { pool: db.pool, forge: new LocalForgeWriter({ pool: db.pool, root }), caps: { maxOpenPrsPerRepo: 3, maxOpenPrsPerOwner: 5, requireOptIn: false } };
  const opened: number[] = [];
  for (const text of ['# Listed\n', '# The listed\n', '# Listed, fixed\n']) {
    const r = await openPullRequest(deps, typoFix('listed', text));
    if (r.status !== 'opened') throw new Error(r.status);
    opened.push(r.pull.number);
  }
  const [first, second, third] = opened as [number, number, number];
  const env = { DATABASE_URL: db.url, GLOBALLM_LOCAL_ROOT: root };

  const json = await runCli(['prs', 'list', '--json'], env);
  assert.equal(json.code, 0, json.stderr);
  const listed = PrsListJson.parse(JSON.parse(json.stdout)).pullRequests.map((p) => [p.number, p.state, p.superseded, p.replaced_by]).sort((a, b) => Number(a[0]) - Number(b[0]));
  assert.deepEqual(listed, [[first, 'closed', true, second], [second, 'closed', true, third], [third, 'draft', false, null]]);

  // A newer fix whose PR is not open yet: the replaced row says so rather than naming a number.
  await db.pool.query(`UPDATE pull_requests SET number = NULL, state = 'pending' WHERE name = 'listed' AND number = $1`, [third]);
  const table = await runCli(['prs', 'list'], env);
  assert.equal(table.code, 0, table.stderr);
  // Columns are set apart by two spaces or more; a row is found by its PR number.
  const [header, ...lines] = table.stdout.trimEnd().split('\n').map((l) => l.trim().split(/\s{2,}/));
  const column = (name: string): number => header?.indexOf(name) ?? -1;
  assert.ok(column('replaced_by') > 0, `the table has the column: ${table.stdout}`);
  const replacedBy = (n: number): string | undefined => lines.find((cells) => cells[column('number')] === String(n))?.[column('replaced_by')];
  assert.equal(replacedBy(first), `#${second}`, table.stdout);
  assert.equal(replacedBy(second), 'a newer fix (no PR yet)', table.stdout);
});
