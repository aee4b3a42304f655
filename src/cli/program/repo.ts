import type { Command } from 'commander';

export function registerRepo(program: Command): void {
  const repo = program.command('repo').description('steer one repository: pause, resume, status');
  for (const action of ['pause', 'resume'] as const) {
    repo.command(`${action} <owner/repo>`)
      .description(action === 'pause' ? 'stop new issues and hold running ones at their next stage boundary' : 'let the repository work again')
      .option('--reason <text>', 'why (shown in status and the workflow history)')
      .action(async (ref: string, opts: { reason?: string }) => (await import('../commands/repo.js')).repoSignalAction(action, ref, opts));
  }
  repo.command('status <owner/repo>')
    .description('queue, running issues, pause state')
    .option('--json', 'one JSON document')
    .action(async (ref: string, opts: { json?: boolean }) => (await import('../commands/repo.js')).repoStatusAction(ref, opts));
}
