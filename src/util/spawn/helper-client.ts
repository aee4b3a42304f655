/**
 * Starts commands from a small helper process (see ./commands.ts). The helper is started on the
 * first command and again after it died; the commands it held when it died fail with no exit
 * code (for git, a GitError, which is retryable).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SpawnOutcome, SpawnRequest } from './spawn.js';

/** Parent to helper: run a command, or cancel the one with this id. */
export type HelperMessage = { id: number; run: SpawnRequest } | { id: number; cancel: true };
/** Helper to parent: how the command with this id ended. */
export interface HelperAnswer { id: number; outcome: SpawnOutcome }

/** A command sent to a helper, and what to do with its outcome. */
interface Pending { child: ChildProcess; settle: (outcome: SpawnOutcome) => void }

/** The outcome of a command the helper could not answer for: a failure with no exit code. */
function unanswered(why: string): SpawnOutcome {
  return { error: { code: null, name: 'Error', message: why }, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
}

/** Bytes cross the channel as Uint8Array: callers get Buffers, as from execFile. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const here = fileURLToPath(import.meta.url);
/** The helper's entry beside this file: `.js` once compiled, `.ts` when run from the sources. */
const HELPER = join(dirname(here), `helper-process${extname(here)}`);

/** The node options the helper keeps: only those that load modules (a TypeScript loader), not a profiler's or inspector's. */
export function loaderArgs(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (/^--(import|require|loader|experimental-loader)=/.test(arg)) kept.push(arg);
    else if (/^(--import|--require|-r|--loader|--experimental-loader)$/.test(arg) && i + 1 < execArgv.length) kept.push(arg, execArgv[++i] as string);
  }
  return kept;
}

export class HelperClient {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  run(req: SpawnRequest, signal?: AbortSignal): Promise<SpawnOutcome> {
    const child = this.child ?? this.start();
    const id = this.nextId++;
    const cancel = (): void => { if (child.connected) child.send({ id, cancel: true } satisfies HelperMessage, () => undefined); };
    return new Promise<SpawnOutcome>((resolve) => {
      this.pending.set(id, { child, settle: (outcome) => { signal?.removeEventListener('abort', cancel); resolve(outcome); } });
      child.channel?.ref();
      child.send({ id, run: req } satisfies HelperMessage, (err) => { if (err) this.settle(child, id, unanswered(`the command helper process took no command: ${err.message}`)); });
      if (signal?.aborted) cancel();
      else signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  private start(): ChildProcess {
    const child = fork(HELPER, [], { execArgv: loaderArgs(process.execArgv), serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', ({ id, outcome }: HelperAnswer) => this.settle(child, id, { ...outcome, stdout: asBuffer(outcome.stdout), stderr: asBuffer(outcome.stderr) }));
    // Its channel closes as it dies: that, not its exit (which no longer keeps this process alive), is what fails the commands it held.
    child.once('disconnect', () => this.lost(child, 'the command helper process exited'));
    child.once('exit', (code, signal) => this.lost(child, `the command helper process exited (${String(code ?? signal)})`));
    child.once('error', (err) => this.lost(child, `the command helper process failed: ${err.message}`));
    // The helper keeps this process alive only while a command runs.
    child.unref();
    child.channel?.unref();
    this.child = child;
    return child;
  }

  private settle(child: ChildProcess, id: number, outcome: SpawnOutcome): void {
    const pending = this.pending.get(id);
    if (pending?.child !== child) return;
    this.pending.delete(id);
    if (![...this.pending.values()].some((p) => p.child === child)) child.channel?.unref();
    pending.settle(outcome);
  }

  /** The helper is gone: every command it held fails, and the next one starts a new helper. */
  private lost(child: ChildProcess, why: string): void {
    if (this.child === child) this.child = undefined;
    for (const [id, pending] of [...this.pending]) if (pending.child === child) this.settle(child, id, unanswered(why));
  }
}
