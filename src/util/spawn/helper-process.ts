/**
 * The command helper process (see ./helper-client.ts): runs each command its parent sends, as a child
 * of this small process, and answers with how it ended. It lives as long as its parent.
 */
import { spawnDirect } from './spawn.js';
import type { HelperAnswer, HelperMessage } from './helper-client.js';

const running = new Map<number, AbortController>();

function run(id: number, message: Extract<HelperMessage, { run: unknown }>): void {
  const controller = new AbortController();
  running.set(id, controller);
  void spawnDirect(message.run, controller.signal).then((outcome) => {
    running.delete(id);
    const answer: HelperAnswer = { id, outcome };
    process.send?.(answer);
  });
}

process.on('message', (message: HelperMessage) => {
  if ('run' in message) run(message.id, message);
  else running.get(message.id)?.abort();
});
// Its parent's end is its own: a terminal's Ctrl-C goes to the whole group, and the parent may
// still need a command while it shuts down.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);
process.on('disconnect', () => process.exit(0));
