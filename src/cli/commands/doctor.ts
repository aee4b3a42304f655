import type { Command } from 'commander';
import { cliContext } from '../context.js';
import { runDoctor } from '../../stack/doctor.js';
import { printJson, printTable } from '../output.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('run a self-check workflow whose activity writes and reads a row in PostgreSQL; report each hop with its latency')
    .option('--json', 'one JSON document')
    .option('--timeout <seconds>', 'give up after this many seconds', '30')
    .action(async (opts: { json?: boolean; timeout: string }) => {
      const { config, endpoints } = cliContext();
      const report = await runDoctor(endpoints.temporalAddress, config, Number(opts.timeout) * 1000);
      if (opts.json) printJson(report);
      else printTable(report.hops.map((h) => ({ hop: h.name, ok: h.ok ? 'yes' : 'NO', ms: h.latencyMs, detail: h.detail })));
      process.exitCode = report.ok ? 0 : 1;
    });
}
