import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';
import { LARGE_TRIAGE_INPUT } from '../../src/cli/commands/triage.js';
import { createExampleRepos } from '../../src/examples/create.js';
import { runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const dir = mkdtempSync(join(tmpdir(), 'globallm-terminal-'));
const bin = join(projectRoot, 'bin', 'globallm.js');
const quote = (s: string): string => `'${s.replaceAll("'", "'\\''")}'`;

/** Runs a shell command line on a pseudo-terminal (util-linux `script`): what a person sees. */
function onTerminal(commandLine: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync('script', ['-qec', commandLine, '/dev/null'], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return r.stdout;
}

function issueLines(n: number): string {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ title: `crash number ${i} when parsing`, body: 'TypeError: x is undefined' })).join('\n');
}

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); rmSync(dir, { recursive: true, force: true }); });

describe('logs on stderr', () => {
  const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: db.url, GLOBALLM_LOG_LEVEL: 'debug', GLOBALLM_LOG_FORMAT: '' });

  test('JSON lines when stderr is not a terminal', async () => {
    const r = await runCli(['migrate'], env());
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.ok(lines.length > 0);
    for (const line of lines) assert.equal((JSON.parse(line) as { component?: string }).component, 'migrate');
  });

  test('--log-format pretty formats them for people, JSON again with --log-format json', async () => {
    const pretty = await runCli(['migrate', '--log-format', 'pretty'], env());
    assert.equal(pretty.code, 0, pretty.stderr);
    assert.match(pretty.stderr, /DEBUG.*migration/);
    assert.match(pretty.stderr, /component: "migrate"/);
    assert.doesNotMatch(pretty.stderr, /"level":/);
    const json = await runCli(['--log-format', 'json', 'migrate'], env());
    assert.equal(json.code, 0, json.stderr);
    assert.doesNotThrow(() => json.stderr.trim().split('\n').map((l) => JSON.parse(l) as unknown));
  });

  test('on a terminal they are formatted for people unless --log-format json', () => {
    const seen = onTerminal(`${quote(process.execPath)} ${quote(bin)} migrate`, env());
    assert.match(seen, /DEBUG/);
    assert.doesNotMatch(seen, /"level":/);
    const json = onTerminal(`${quote(process.execPath)} ${quote(bin)} migrate --log-format json`, env());
    assert.match(json, /"level":20/);
  });

  test('an unknown format is bad usage naming the option, from the flag or the environment', async () => {
    const flag = await runCli(['migrate', '--log-format', 'xml'], env());
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--log-format.*'xml' is invalid/);
    const fromEnv = await runCli(['migrate'], { ...env(), GLOBALLM_LOG_FORMAT: 'yaml' });
    assert.equal(fromEnv.code, 2);
    assert.match(fromEnv.stderr, /GLOBALLM_LOG_FORMAT/);
  });
});

describe('progress', () => {
  test('triage on a large file shows a bar on a terminal; the results are unchanged', () => {
    const n = LARGE_TRIAGE_INPUT + 50;
    const input = join(dir, 'large.jsonl');
    writeFileSync(input, issueLines(n));
    const out = join(dir, 'large.out');
    const seen = onTerminal(`${quote(process.execPath)} ${quote(bin)} triage --input ${quote(input)} --json > ${quote(out)}`, {});
    assert.match(seen, new RegExp(`triage \\[.*\\] ${n}/${n}`));
    assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, n);
  });

  test('score shows its steps on a terminal', async () => {
    await createExampleRepos(join(dir, 'repos'));
    const seen = onTerminal(`${quote(process.execPath)} ${quote(bin)} score --forge local --repo ${quote(join(dir, 'repos', 'slugkit'))} --json > /dev/null`, { DATABASE_URL: db.url });
    assert.match(seen, /score local\/slugkit \[.*\] 0\/3 reading and scoring/);
    assert.match(seen, /score local\/slugkit \[.*\] 3\/3 done/);
  });

  test('a line logged under a bar (realtasks reports each task so) stands on its own line; the bar goes on below', () => {
    const progress = JSON.stringify(join(projectRoot, 'src', 'cli', 'progress.ts'));
    const code = `import { progressBar } from ${progress}; const p = progressBar('work'); p.update(0, 2, 'task-a'); p.log('task-a: pass'); p.update(2, 2, 'done'); p.stop();`;
    const seen = onTerminal(`${quote(process.execPath)} --import tsx --input-type=module -e ${quote(code)}`, {});
    assert.match(seen, /work \[.*\] 0\/2 task-a/);
    assert.match(seen, /\r\x1b\[Ktask-a: pass\r?\n/, 'the bar line is cleared before the line is written');
    assert.match(seen.slice(seen.indexOf('task-a: pass')), /work \[.*\] 2\/2 done/);
    const piped = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8', cwd: projectRoot });
    assert.equal(piped.stderr, 'task-a: pass\n', 'without a terminal: the line alone, no bar');
  });

  test('no bar for small input, nor when stderr is not a terminal', async () => {
    const small = join(dir, 'small.jsonl');
    writeFileSync(small, issueLines(3));
    const seen = onTerminal(`${quote(process.execPath)} ${quote(bin)} triage --input ${quote(small)} --json > /dev/null`, {});
    assert.doesNotMatch(seen, /triage \[/);
    const large = join(dir, 'large.jsonl');
    const piped = await runCli(['triage', '--input', large, '--json'], {});
    assert.equal(piped.code, 0, piped.stderr);
    assert.equal(piped.stderr, '');
  });
});
