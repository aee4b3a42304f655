import { existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config/load.js';

const StackFile = z.object({
  databaseUrl: z.string(),
  temporalAddress: z.string(),
  uiUrl: z.string().optional(),
  pid: z.number().int(),
  children: z.record(z.string(), z.number().int()).default({}),
});
export type StackFile = z.infer<typeof StackFile>;

export interface Endpoints {
  databaseUrl: string;
  temporalAddress: string;
  uiUrl: string | undefined;
}

const stackFilePath = (stateDir: string): string => join(stateDir, 'stack.json');

/** Written by `globallm up` (mode 600: it holds the embedded database password). */
export function writeStackFile(stateDir: string, value: StackFile): void {
  writeFileSync(stackFilePath(stateDir), JSON.stringify(value, null, 2), { mode: 0o600 });
}

export function readStackFile(stateDir: string): StackFile | undefined {
  const file = stackFilePath(stateDir);
  if (!existsSync(file)) return undefined;
  const parsed = StackFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}

export function removeStackFile(stateDir: string): void {
  rmSync(stackFilePath(stateDir), { force: true });
}

/** Where the services are: explicit settings win, then what `globallm up` recorded, then the defaults. */
export function resolveEndpoints(config: Config): Endpoints {
  const recorded = readStackFile(config.stateDir);
  const embeddedPassword = (): string => {
    const file = join(config.stateDir, 'postgres.password');
    return existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  };
  const databaseUrl = config.DATABASE_URL ?? recorded?.databaseUrl
    ?? `postgres://postgres:${encodeURIComponent(embeddedPassword())}@127.0.0.1:${config.GLOBALLM_PG_PORT}/globallm`;
  const temporalAddress = config.TEMPORAL_ADDRESS ?? recorded?.temporalAddress ?? `127.0.0.1:${config.GLOBALLM_TEMPORAL_PORT}`;
  // A running stack records its Web UI, or none when it runs headless.
  const uiUrl = config.TEMPORAL_UI_URL ?? (recorded ? recorded.uiUrl : (config.TEMPORAL_ADDRESS ? undefined : `http://127.0.0.1:${config.GLOBALLM_TEMPORAL_UI_PORT}`));
  return { databaseUrl, temporalAddress, uiUrl };
}
