// A minimal CLI entry holding only the triage command, wired like src/cli/main.ts, for end-to-end tests.
import { Command, CommanderError } from 'commander';
import { registerTriage } from '../../src/cli/program/triage.js';
import { describeError, exitCodeFor } from '../../src/cli/exit.js';

const program = new Command('globallm').exitOverride();
registerTriage(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? 0 : 2);
  process.stderr.write(`globallm: ${describeError(err)}\n`);
  process.exit(exitCodeFor(err));
}
