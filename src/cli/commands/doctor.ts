import { cliContext } from '../context.js';
import { runDoctor } from '../../stack/doctor.js';
import { printJson, printTable } from '../output.js';

export async function doctorAction(opts: { json?: boolean; timeout: string }): Promise<void> {
  const { config, endpoints } = cliContext();
  const report = await runDoctor(endpoints.temporalAddress, config, Number(opts.timeout) * 1000);
  if (opts.json) printJson(report);
  else printTable(report.hops.map((h) => ({ hop: h.name, ok: h.ok ? 'yes' : 'NO', ms: h.latencyMs, detail: h.detail })));
  process.exitCode = report.ok ? 0 : 1;
}
