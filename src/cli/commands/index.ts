import type { Command } from 'commander';
import { registerUp } from './up.js';
import { registerStatus } from './status.js';
import { registerDoctor } from './doctor.js';
import { registerWorker } from './worker.js';
import { registerMigrate } from './migrate.js';
import { registerTriage } from './triage.js';
import { registerValidate } from './validate.js';
import { registerRepo } from './repo.js';
import { registerCampaign } from './campaign.js';

/** Every CLI command registers itself here; one file per command under src/cli/commands. */
export const commands: Array<(program: Command) => void> = [
  registerUp,
  registerStatus,
  registerDoctor,
  registerWorker,
  registerMigrate,
  registerTriage,
  registerValidate,
  registerRepo,
  registerCampaign,
];
