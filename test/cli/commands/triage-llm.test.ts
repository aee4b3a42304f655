import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runTriage, selectAnalyzer, type AnalyzerSetup, type TriageIo } from '../../../src/cli/commands/triage.js';
import { UsageError } from '../../../src/errors.js';
import { startLlmStandIn, type LlmStandIn } from '../../../src/sim/llm/server.js';
import { answerAll, MODEL } from '../../helpers/llm-triage.js';

function captureIo(stdinText: string): TriageIo & { out: () => string; err: () => string } {
  const stdin = new PassThrough();
  stdin.end(stdinText);
  let out = '';
  let err = '';
  return { stdin, stdout: { write: (s: string) => { out += s; return true; } }, stderr: { write: (s: string) => { err += s; return true; } }, out: () => out, err: () => err };
}

const INPUT = [
  JSON.stringify({ title: 'Crash on start', body: 'TypeError in src/main.ts', repo: 'octo/a', number: 1 }),
  'not json',
  JSON.stringify({ title: 'Add dark mode', repo: 'octo/b', number: 2 }),
  JSON.stringify({ title: 'Error when saving', body: 'EACCES' }),
].join('\n');

describe('globallm triage --analyzer llm', () => {
  let sim: LlmStandIn;
  before(async () => { sim = await startLlmStandIn({ script: [{ id: 'all', respond: answerAll }] }); });
  after(async () => { await sim.close(); });
  const withStandIn = (name: string, setup?: AnalyzerSetup): ReturnType<typeof selectAnalyzer> =>
    selectAnalyzer(name, { ...setup, config: { ANTHROPIC_BASE_URL: sim.url, ANTHROPIC_API_KEY: 'test', GLOBALLM_ANTHROPIC_MODEL: MODEL } });

  test('analyzes the lines in one batched call, in input order, bad lines reported in place', async () => {
    const from = sim.calls.length;
    const io = captureIo(INPUT);
    const summary = await runTriage({ input: '-', analyzer: 'llm', json: true }, io, withStandIn);
    assert.deepEqual(summary, { analyzed: 3, failed: 1 });
    assert.equal(sim.calls.length - from, 1);
    const rows = io.out().trim().split('\n').map((l) => JSON.parse(l) as { line: number; error?: string; analysis?: { analyzer: string; rationale: string } });
    assert.deepEqual(rows.map((r) => r.line), [1, 2, 3, 4]);
    assert.equal(rows[1]?.error, 'not valid JSON');
    assert.equal(rows[0]?.analysis?.analyzer, `llm:${MODEL}`);
    assert.equal(rows[2]?.analysis?.rationale, 'about Add dark mode');
  });

  test('--budget too small: offline answers, noted on each line', async () => {
    const from = sim.calls.length;
    const io = captureIo(INPUT);
    const summary = await runTriage({ input: '-', analyzer: 'llm', json: false, budget: '50' }, io, withStandIn);
    assert.deepEqual(summary, { analyzed: 3, failed: 1 });
    assert.equal(sim.calls.length, from);
    const lines = io.out().trim().split('\n');
    assert.equal(lines.length, 3);
    for (const l of lines) assert.match(l, /\(budget exhausted\)$/);
  });

  test('a bad --budget is a UsageError', async () => {
    await assert.rejects(runTriage({ input: '-', analyzer: 'llm', budget: 'lots' }, captureIo(''), withStandIn), UsageError);
    await assert.rejects(runTriage({ input: '-', analyzer: 'llm', budget: -3 }, captureIo(''), withStandIn), UsageError);
  });

  test('no provider configured is a UsageError naming the variables', () => {
    assert.throws(() => selectAnalyzer('llm', { config: {} }), (err: unknown) => err instanceof UsageError && /ANTHROPIC_API_KEY/.test(err.message));
  });
});
