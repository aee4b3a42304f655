import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildBwrapArgs, sandboxEnv, type HostLayout } from '../../src/sandbox/bwrap-args.js';
import { checkToolchainDirs } from '../../src/sandbox/host.js';
import { UsageError } from '../../src/errors.js';

const layout: HostLayout = {
  rootLinks: [{ path: '/bin', target: 'usr/bin' }, { path: '/lib64', target: null }],
  etc: ['/etc/ssl'],
  etcNetwork: ['/etc/resolv.conf'],
  toolchainDirs: ['/opt/tool'],
  path: ['/usr/bin', '/bin'],
  generated: { passwd: '/g/passwd', group: '/g/group', hosts: '/g/hosts' },
};
const limits = { maxProcesses: 64, maxFileSizeMb: 10, tmpSizeMb: 100 };
const spec = { cwd: '/w', argv: ['npm', 'test'], network: false, mounts: [], pathPrepend: [], timeoutMs: 1000, memoryMb: 512, cpuSeconds: 7 };
const egress = { socket: '/h/egress.sock', forwarder: '/h/forwarder.cjs' };

function pairs(args: string[], flag: string): string[][] {
  const out: string[][] = [];
  args.forEach((a, i) => { if (a === flag) out.push(args.slice(i + 1, i + 3)); });
  return out;
}

describe('buildBwrapArgs', () => {
  test('isolates namespaces and network, drops capabilities, mounts only what it should', () => {
    const a = buildBwrapArgs(spec, layout, limits);
    for (const f of ['--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session', '--disable-userns']) assert.ok(a.includes(f), f);
    assert.ok(!a.includes('--setenv'), 'no environment value on the command line');
    assert.deepEqual(pairs(a, '--cap-drop'), [['ALL', '--die-with-parent']]);
    assert.deepEqual(pairs(a, '--bind'), [['/w', '/workspace']]);
    const ro = pairs(a, '--ro-bind').map((p) => p[0]);
    assert.deepEqual(ro, ['/usr', '/lib64', '/etc/ssl', '/g/passwd', '/g/group', '/g/hosts', '/opt/tool']);
    assert.ok(!ro.includes('/etc/resolv.conf'));
    assert.ok(a.indexOf('--remount-ro') > a.indexOf('--bind'));
    const cmd = a.slice(a.indexOf('--') + 1);
    assert.deepEqual(cmd, ['/usr/bin/prlimit', `--data=${512 * 1024 * 1024}`, '--cpu=7', '--nproc=64', `--fsize=${10 * 1024 * 1024}`, '--core=0', '--', 'npm', 'test']);
    assert.ok(!cmd.some((x) => x.startsWith('--as=')), 'no address-space limit (it breaks WebAssembly and JITs)');
  });

  test('with a cgroup holding memory, no per-process memory rlimit is set', () => {
    const a = buildBwrapArgs(spec, layout, limits, { memoryByCgroup: true });
    const cmd = a.slice(a.indexOf('--') + 1);
    assert.ok(!cmd.some((x) => x.startsWith('--data=') || x.startsWith('--as=')));
  });

  test('network runs keep their own network namespace and leave only through the egress socket', () => {
    const a = buildBwrapArgs({ ...spec, network: true }, layout, limits, { egress });
    assert.ok(a.includes('--unshare-net'));
    assert.ok(pairs(a, '--ro-bind').some((p) => p[0] === '/etc/resolv.conf'));
    assert.deepEqual(pairs(a, '--bind').find((p) => p[0] === egress.socket), [egress.socket, '/run/globallm/egress.sock']);
    const cmd = a.slice(a.indexOf('--') + 1);
    assert.deepEqual(cmd.slice(cmd.indexOf('--') + 1), ['/usr/bin/node', '/run/globallm/forwarder.cjs', '--', 'npm', 'test']);
    assert.throws(() => buildBwrapArgs({ ...spec, network: true }, layout, limits), /egress/);
    const env = sandboxEnv({ network: true }, layout);
    assert.equal(env['HTTPS_PROXY'], 'http://127.0.0.1:3128');
  });

  test('prepared environments are bound read-only unless asked, after the worktree', () => {
    const a = buildBwrapArgs({ ...spec, mounts: [{ source: '/cache/nm', target: '/workspace/node_modules', writable: false }, { source: '/cache/venv', target: '/env/venv', writable: true }] }, layout, limits);
    assert.deepEqual(pairs(a, '--ro-bind').find((p) => p[0] === '/cache/nm'), ['/cache/nm', '/workspace/node_modules']);
    assert.deepEqual(pairs(a, '--bind').find((p) => p[0] === '/cache/venv'), ['/cache/venv', '/env/venv']);
    assert.ok(a.indexOf('/cache/nm') > a.indexOf('/workspace'));
  });

  test('hidden global config files are shadowed by /dev/null', () => {
    const a = buildBwrapArgs(spec, { ...layout, hidden: ['/usr/etc/npmrc'] }, limits);
    assert.deepEqual(pairs(a, '--ro-bind').find((p) => p[1] === '/usr/etc/npmrc'), ['/dev/null', '/usr/etc/npmrc']);
  });

  test('the environment is fixed: caller values cannot override PATH or HOME', () => {
    const env = sandboxEnv({ network: false, env: { PATH: '/evil', HOME: '/root', FOO: 'bar' } }, layout);
    assert.equal(env['PATH'], '/usr/bin:/bin');
    assert.equal(env['HOME'], '/tmp/home');
    assert.equal(env['FOO'], 'bar');
    assert.equal(Object.keys(env).some((k) => /TOKEN|KEY/.test(k)), false);
  });
});

describe('checkToolchainDirs', () => {
  test('accepts a real directory and refuses root, homes and relative paths', async () => {
    assert.deepEqual(await checkToolchainDirs(['/usr/share']), ['/usr/share']);
    for (const bad of ['/', '/root', '/home', 'relative', '/usr/../root', '/no/such/dir']) {
      await assert.rejects(checkToolchainDirs([bad]), UsageError, bad);
    }
  });
});
