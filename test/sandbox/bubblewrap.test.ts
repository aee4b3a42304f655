import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BubblewrapSandbox } from '../../src/sandbox/bubblewrap.js';
import type { RunSpec } from '../../src/sandbox/sandbox.js';
import { SandboxViolation, UsageError } from '../../src/errors.js';
import { pidsWithArg, uniqueSeconds } from '../helpers/sandbox.js';

const sandbox = new BubblewrapSandbox();
let wt = '';
const spec = (argv: string[], extra: Partial<RunSpec> = {}): RunSpec => ({
  cwd: wt, argv, network: false, timeoutMs: 20_000, memoryMb: 1024, cpuSeconds: 30, ...extra,
});

describe('BubblewrapSandbox', () => {
  before(async () => {
    wt = await mkdtemp(path.join(tmpdir(), 'sbx-test-'));
    await sandbox.prepareWorktree(wt);
  });
  after(async () => {
    await rm(wt, { recursive: true, force: true });
  });

  test('runs a command in the worktree and reports its exit code and output', async () => {
    const r = await sandbox.run(spec(['sh', '-c', 'pwd; echo to-err >&2; exit 3']));
    assert.equal(r.exitCode, 3);
    assert.equal(r.stdout.trim(), '/workspace');
    assert.equal(r.stderr.trim(), 'to-err');
    assert.equal(r.timedOut, false);
  });

  test('the parent environment (tokens, keys) is invisible inside', async () => {
    process.env['GITHUB_TOKEN'] = 'ghp_should_not_leak';
    process.env['ANTHROPIC_API_KEY'] = 'sk-ant-should-not-leak';
    try {
      const r = await sandbox.run(spec(['sh', '-c', 'env; echo "token=[$GITHUB_TOKEN]"']));
      assert.equal(r.exitCode, 0);
      assert.doesNotMatch(r.stdout, /should_not_leak|should-not-leak|ANTHROPIC|GITHUB_TOKEN=/);
      assert.match(r.stdout, /token=\[\]/);
      assert.match(r.stdout, /^HOME=\/tmp\/home$/m);
    } finally {
      delete process.env['GITHUB_TOKEN'];
      delete process.env['ANTHROPIC_API_KEY'];
    }
  });

  test('credential-looking variables asked for explicitly are refused', async () => {
    await assert.rejects(sandbox.run(spec(['true'], { env: { GITHUB_TOKEN: 'x' } })), SandboxViolation);
    await assert.rejects(sandbox.run(spec(['true'], { env: { 'BAD-NAME': 'x' } })), /invalid environment variable name/);
  });

  test('bad specs are rejected before anything runs', async () => {
    await assert.rejects(sandbox.run(spec([])));
    await assert.rejects(sandbox.run(spec(['true'], { cwd: 'relative/dir' })));
    await assert.rejects(sandbox.run(spec(['true'], { cwd: path.join(wt, 'missing') })), UsageError);
    await assert.rejects(sandbox.run(spec(['true'], { timeoutMs: 0 })));
  });

  test('the worktree is writable and changes show on the host', async () => {
    const r = await sandbox.run(spec(['sh', '-c', 'echo made-inside > out.txt']));
    assert.equal(r.exitCode, 0);
    assert.equal((await readFile(path.join(wt, 'out.txt'), 'utf8')).trim(), 'made-inside');
  });

  test('writes outside the worktree fail and are reported', async () => {
    const probe = `globallm-probe-${uniqueSeconds()}`;
    const r = await sandbox.run(spec(['sh', '-c', `echo x > /etc/${probe}; echo x > /usr/${probe}; mkdir -p /root && echo x > /root/${probe}; echo x > /${probe}`]));
    assert.notEqual(r.exitCode, 0);
    assert.ok(r.violations.some((v) => v.kind === 'filesystem'), JSON.stringify(r.violations));
    for (const p of [`/etc/${probe}`, `/usr/${probe}`, `/root/${probe}`, `/${probe}`]) assert.equal(existsSync(p), false, p);
  });

  test('the host home directory and project state are not visible', async () => {
    const r = await sandbox.run(spec(['sh', '-c', 'ls /root /home 2>&1; ls / ']));
    assert.match(r.stdout, /cannot access '\/root'/);
    assert.match(r.stdout, /cannot access '\/home'/);
  });

  describe('network', () => {
    let server: Server;
    let port = 0;
    before(async () => {
      server = createServer((s) => s.end('hello\n'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const addr = server.address();
      port = typeof addr === 'object' && addr ? addr.port : 0;
    });
    after(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    test('a host server is unreachable without network, and with network too (installs reach only the registries)', async () => {
      const py = `import socket\ns=socket.create_connection(("127.0.0.1", ${port}), timeout=3)\nprint(s.recv(10).decode())`;
      const host = await new Promise<string>((resolve, reject) => {
        const c = connect(port, '127.0.0.1', () => undefined);
        c.setEncoding('utf8');
        c.on('data', (d: string) => { resolve(d.trim()); c.destroy(); });
        c.on('error', reject);
      });
      assert.equal(host, 'hello', 'the server is up and answers on the host');
      const r = await sandbox.run(spec(['python3', '-c', py]));
      assert.notEqual(r.exitCode, 0);
      assert.match(r.stderr, /ConnectionRefused|Network is unreachable/);
      const withNetwork = await sandbox.run(spec(['python3', '-c', py], { network: true }));
      assert.notEqual(withNetwork.exitCode, 0, 'a network run has its own loopback: the host service is not there');
      assert.doesNotMatch(withNetwork.stdout, /hello/);
    });

    test('name resolution fails and is reported as a network violation', async () => {
      const r = await sandbox.run(spec(['python3', '-c', 'import socket; socket.getaddrinfo("registry.npmjs.org", 443)']));
      assert.notEqual(r.exitCode, 0);
      assert.ok(r.violations.some((v) => v.kind === 'network'), JSON.stringify(r.violations));
    });
  });

  test('a hanging command is killed at its limit with its whole process tree', async () => {
    const marker = uniqueSeconds();
    const r = await sandbox.run(spec(['sh', '-c', `sleep ${marker} & (setsid sleep ${marker} &) ; sleep ${marker}`], { timeoutMs: 1500 }));
    assert.equal(r.timedOut, true);
    assert.ok(r.violations.some((v) => v.kind === 'timeout'));
    assert.deepEqual(await pidsWithArg(marker), []);
  });

  test('aborting the signal kills the process tree promptly', async () => {
    const marker = uniqueSeconds();
    const ac = new AbortController();
    let seen = '';
    const r = await sandbox.run(spec(['sh', '-c', `sleep ${marker} & echo started; sleep ${marker}`], {
      timeoutMs: 600_000,
      signal: ac.signal,
      onOutput: (_s, chunk) => {
        seen += chunk;
        if (seen.includes('started')) ac.abort();
      },
    }));
    assert.equal(r.cancelled, true);
    assert.equal(r.timedOut, false);
    assert.deepEqual(await pidsWithArg(marker), []);
  });

  test('an already aborted signal runs nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await sandbox.run(spec(['sh', '-c', 'echo ran > ran.txt'], { signal: ac.signal }));
    assert.equal(r.cancelled, true);
    assert.equal(existsSync(path.join(wt, 'ran.txt')), false);
  });

  test('memory and file-size limits hold', async () => {
    const mem = await sandbox.run(spec(['python3', '-c', 'b = bytearray(900 * 1024 * 1024)'], { memoryMb: 256 }));
    assert.notEqual(mem.exitCode, 0);
    assert.ok(mem.violations.some((v) => v.kind === 'memory-limit'), JSON.stringify(mem.violations));
    const small = new BubblewrapSandbox({ maxFileSizeMb: 1 });
    const big = await small.run(spec(['sh', '-c', 'head -c 3000000 /dev/zero > big.bin']));
    assert.notEqual(big.exitCode, 0);
    assert.equal(big.signal, 'SIGXFSZ');
  });

  test('a fork bomb stops at the process limit', async () => {
    const few = new BubblewrapSandbox({ maxProcesses: 16 });
    const marker = uniqueSeconds();
    const r = await few.run(spec(['sh', '-c', `for i in $(seq 1 64); do sleep ${marker} & done; echo spawned`], { timeoutMs: 5000 }));
    assert.ok(r.violations.some((v) => v.kind === 'process-limit'), JSON.stringify(r.violations) + r.stderr.slice(0, 300));
    assert.deepEqual(await pidsWithArg(marker), []);
  });

  test('output beyond the cap keeps its tail', async () => {
    const capped = new BubblewrapSandbox({ maxOutputChars: 1000 });
    const r = await capped.run(spec(['sh', '-c', 'seq 1 5000']));
    assert.equal(r.truncated, true);
    assert.ok(r.stdout.length <= 1000);
    assert.match(r.stdout, /5000\n$/);
  });

  test('a missing bwrap is reported, never run unsandboxed', async () => {
    const none = new BubblewrapSandbox({ bwrapPath: path.join(wt, 'no-such-bwrap') });
    await writeFile(path.join(wt, 'marker'), '');
    await assert.rejects(none.run(spec(['sh', '-c', 'rm marker'])), /bubblewrap/);
    assert.equal(existsSync(path.join(wt, 'marker')), true);
  });

  test('ready() answers the same check a run makes; a failed check is made again by the run', async () => {
    await sandbox.ready();
    const none = new BubblewrapSandbox({ bwrapPath: path.join(wt, 'no-such-bwrap') });
    await assert.rejects(none.ready(), /bubblewrap/);
    await assert.rejects(none.run(spec(['true'])), /bubblewrap/);
  });

  test('prepareWorktree hands the whole tree to the sandbox user, links themselves and never their targets', { skip: process.getuid?.() !== 0 ? 'only root hands trees over' : false }, async () => {
    const tree = await mkdtemp(path.join(tmpdir(), 'sbx-own-'));
    const outside = await mkdtemp(path.join(tmpdir(), 'sbx-outside-'));
    try {
      await mkdir(path.join(tree, 'a', 'b'), { recursive: true });
      await writeFile(path.join(tree, 'a', 'b', 'f.txt'), 'x');
      await writeFile(path.join(outside, 'secret'), 'keep');
      await symlink(path.join(outside, 'secret'), path.join(tree, 'a', 'link'));
      await symlink(outside, path.join(tree, 'dirlink'));
      await sandbox.prepareWorktree(tree);
      for (const p of ['', 'a', 'a/b', 'a/b/f.txt', 'a/link', 'dirlink']) assert.equal((await lstat(path.join(tree, p))).uid, 65534, p);
      for (const p of [outside, path.join(outside, 'secret')]) assert.equal((await lstat(p)).uid, 0, p);
      await assert.rejects(sandbox.prepareWorktree(path.join(tree, 'missing')), /could not hand/);
    } finally {
      await rm(tree, { recursive: true, force: true });
      await rm(outside, { recursive: true, force: true });
    }
  });
});
