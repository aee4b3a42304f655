import { Command, CommanderError } from 'commander';
import { commands } from './program/index.js';
import { registerGlobalOptions } from './program/global-options.js';

const program = new Command('globallm')
  .description('Contributes to open source at scale: discover, analyze, prioritize, fix, contribute.')
  .showHelpAfterError()
  .exitOverride();

registerGlobalOptions(program);
for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
  // Explicit: a library's exit hook must not turn a failing check into exit 0.
  process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
} catch (err) {
  if (err instanceof CommanderError) {
    // Help and version exit 0; everything commander rejects is bad usage.
    process.exit(err.exitCode === 0 ? 0 : 2);
  }
  // Loaded only on failure, so help and usage errors stay light.
  const { exitCodeFor, describeError } = await import('./exit.js');
  process.stderr.write(`globallm: ${describeError(err)}\n`);
  process.exit(exitCodeFor(err));
}
