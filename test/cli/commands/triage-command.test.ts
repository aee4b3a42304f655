import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { UsageError } from '../../../src/errors.js';
import { IssueAnalysis } from '../../../src/analysis/schema.js';
import { runTriage, type TriageIo } from '../../../src/cli/commands/triage.js';
import { registerTriage } from '../../../src/cli/program/triage.js';

function captureIo(stdinText = ''): TriageIo & { out: () => string; err: () => string } {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  let out = '';
  let err = '';
  return {
    stdin,
    stdout: { write: (s: string) => { out += s; return true; } },
    stderr: { write: (s: string) => { err += s; return true; } },
    out: () => out,
    err: () => err,
  };
}

const LINES = [
  JSON.stringify({
    title: 'TypeError crash when calling render() twice',
    // The same report as the classifier test's bug: this file tests the command's plumbing, not the model.
    body: "### Steps to reproduce\n1. Call render twice\n### Actual behavior\nThe app crashes with:\n```\nTypeError: Cannot read properties of undefined (reading 'x')\n    at render (app/main.js:120:15)\n```\n### Expected behavior\nNo error.",
    repo: 'octo/app', number: 7,
  }),
  'this is not json',
  JSON.stringify({ body: 'no title here' }),
  '',
  JSON.stringify({ title: 'How do I change the port?', labels: 'question' }),
  JSON.stringify({ title: 'Feature request: add a --verbose flag', body: '' }),
].join('\n');

let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'triage-test-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

describe('runTriage --json', () => {
  test('analyzes good lines and reports each bad line with its number and reason', async () => {
    const file = join(dir, 'issues.jsonl');
    await writeFile(file, LINES);
    const io = captureIo();
    const summary = await runTriage({ input: file, json: true }, io);
    assert.deepEqual(summary, { analyzed: 2, failed: 3 });
    const records = io.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(records.map((r) => r['line']), [1, 2, 3, 5, 6]);
    assert.equal(records[0]?.['repo'], 'octo/app');
    assert.equal(records[0]?.['number'], 7);
    const first = IssueAnalysis.parse(records[0]?.['analysis']);
    assert.equal(first.category, 'bug');
    assert.deepEqual(first.affectedFiles, ['app/main.js']);
    assert.equal(records[1]?.['error'], 'not valid JSON');
    assert.match(String(records[2]?.['error']), /title/);
    assert.match(String(records[3]?.['error']), /labels/);
    assert.equal(IssueAnalysis.parse(records[4]?.['analysis']).category, 'feature');
    assert.equal(io.err(), '');
  });

  test('reads stdin when the input is -', async () => {
    const io = captureIo(`${JSON.stringify({ title: 'How do I install this on Windows?', body: 'Is there a guide?' })}\r\n`);
    const summary = await runTriage({ input: '-', json: true }, io);
    assert.deepEqual(summary, { analyzed: 1, failed: 0 });
    const record = JSON.parse(io.out()) as { line: number; analysis: unknown };
    assert.equal(record.line, 1);
    assert.equal(IssueAnalysis.parse(record.analysis).category, 'question');
  });

  test('empty input analyzes nothing and fails nothing', async () => {
    const io = captureIo('');
    assert.deepEqual(await runTriage({ input: '-', json: true }, io), { analyzed: 0, failed: 0 });
    assert.equal(io.out(), '');
  });
});

describe('runTriage readable output', () => {
  test('prints one line per analysis on stdout and errors on stderr', async () => {
    const io = captureIo(LINES);
    const summary = await runTriage({ input: '-', json: false }, io);
    assert.equal(summary.failed, 3);
    const out = io.out().trim().split('\n');
    assert.equal(out.length, 2);
    assert.match(out[0] ?? '', /^line 1: octo\/app#7 \[bug/);
    assert.match(out[1] ?? '', /^line 6: \[feature\]/);
    const err = io.err().trim().split('\n');
    assert.deepEqual(err.map((l) => l.split(':')[0]), ['line 2', 'line 3', 'line 5']);
  });
});

describe('runTriage bad usage', () => {
  test('an unreadable file is a UsageError', async () => {
    await assert.rejects(runTriage({ input: join(dir, 'missing.jsonl') }, captureIo()), UsageError);
    await assert.rejects(runTriage({ input: dir }, captureIo()), UsageError);
  });
  test('an unknown analyzer is a UsageError', async () => {
    await assert.rejects(runTriage({ input: '-', analyzer: 'magic' }, captureIo()), /unknown analyzer/);
  });
  test('the llm analyzer says no provider is configured', async () => {
    await assert.rejects(runTriage({ input: '-', analyzer: 'llm' }, captureIo()), (err: unknown) =>
      err instanceof UsageError && /ANTHROPIC_API_KEY/.test(err.message) && /OPENAI_BASE_URL/.test(err.message));
  });
  test('an empty input name is a UsageError', async () => {
    await assert.rejects(runTriage({ input: '' }, captureIo()), UsageError);
  });
});

describe('registerTriage', () => {
  function program(): Command {
    const p = new Command('globallm').exitOverride();
    p.configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
    registerTriage(p);
    return p;
  }
  test('missing --input is a UsageError', async () => {
    await assert.rejects(program().parseAsync(['node', 'globallm', 'triage']), UsageError);
  });
  test('a file whose lines all fail makes the command fail (exit 1 path)', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(file, 'nope\n');
    const origOut = process.stdout.write.bind(process.stdout);
    let captured = '';
    process.stdout.write = (s: string) => { captured += s; return true; };
    try {
      await assert.rejects(program().parseAsync(['node', 'globallm', 'triage', '--input', file, '--json']), (err: unknown) =>
        err instanceof Error && !(err instanceof UsageError) && /1 of 1/.test(err.message));
    } finally {
      process.stdout.write = origOut;
    }
    assert.deepEqual(JSON.parse(captured), { schemaVersion: 1, line: 1, error: 'not valid JSON' });
  });
});

describe('triage end to end (spawned CLI entry)', () => {
  const entry = fileURLToPath(new URL('../../helpers/triage-cli.ts', import.meta.url));
  function run(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry, 'triage', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      child.on('error', reject);
      child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
      child.stdin.end(stdin);
    });
  }
  test('stdin with one bad line: results for the rest, an error record, exit 1', async () => {
    const r = await run(['--input', '-', '--json'], LINES);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { line: number; error?: string });
    assert.deepEqual(lines.map((l) => l.line), [1, 2, 3, 5, 6]);
    assert.deepEqual(lines.filter((l) => l.error).map((l) => l.line), [2, 3, 5]);
    assert.match(r.stderr, /3 of 5 line\(s\)/);
  });
  test('all good lines exit 0', async () => {
    const r = await run(['--input', '-'], `${JSON.stringify({ title: 'Feature request: add a --verbose flag' })}\n`);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^line 1: \[feature\]/);
  });
  test('bad usage exits 2', async () => {
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['--input', '-', '--analyzer', 'nope'])).code, 2);
    assert.equal((await run(['--input', join(dir, 'absent.jsonl')])).code, 2);
    const llm = await run(['--input', '-', '--analyzer', 'llm']);
    assert.equal(llm.code, 2);
    assert.match(llm.stderr, /no LLM provider is configured/);
  });
});
