import type { Command } from 'commander';
import { registerUp } from './up.js';
import { registerStatus } from './status.js';
import { registerDoctor } from './doctor.js';
import { registerWorker } from './worker.js';
import { registerMigrate } from './migrate.js';
import { registerSetup } from './setup.js';
import { registerSchedule } from './schedule.js';
import { registerDiscover } from './discover.js';
import { registerScore } from './score.js';
import { registerRepos } from './repos.js';
import { registerTriage } from './triage.js';
import { registerIssues } from './issues.js';
import { registerBudget } from './budget.js';
import { registerValidate } from './validate.js';
import { registerPrs } from './prs.js';
import { registerCampaign } from './campaign.js';
import { registerRepo } from './repo.js';
import { registerReport } from './report.js';

/**
 * Every CLI command registers its name, flags and help here, one file per command. These files
 * import only commander: each action loads its implementation (src/cli/commands) with `import()`
 * when it runs, so `--help` or `status` never load what `worker` or `validate` need.
 */
export const commands: Array<(program: Command) => void> = [
  registerUp,
  registerStatus,
  registerDoctor,
  registerWorker,
  registerMigrate,
  registerSetup,
  registerSchedule,
  registerDiscover,
  registerScore,
  registerRepos,
  registerTriage,
  registerIssues,
  registerBudget,
  registerValidate,
  registerPrs,
  registerCampaign,
  registerRepo,
  registerReport,
];
