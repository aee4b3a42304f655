import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ForgeKind } from '../../src/forge/types.js';

const Int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const ChaosArgs = z.strictObject({
  /** `github`: the GitHub stand-in, with its faults and content-creation limits; `local`: git repositories on disk. */
  forge: ForgeKind.default('github'),
  kills: Int(0, 500).default(20),
  seed: Int(0, 2 ** 31 - 1).default(1),
  issues: Int(1, 500).default(50),
  pgRestarts: Int(0, 20).default(2),
  temporalRestarts: Int(0, 20).default(1),
  /** The whole run stops by itself after this long, faults or not. */
  timeoutS: Int(60, 24 * 3600).default(3600),
  keep: z.boolean().default(false),
  /** `dev`: the Temporal dev server on SQLite; `sql`: Temporal's own server on the bench's PostgreSQL. */
  temporal: z.enum(['dev', 'sql']).default('dev'),
});
export type ChaosArgs = z.infer<typeof ChaosArgs>;

/** `--forge github|local --kills N --seed S --issues N --pg-restarts N --temporal-restarts N --timeout-s N --keep --temporal dev|sql`; a bad value throws naming the flag. */
export function parseChaosArgs(argv: string[]): ChaosArgs {
  const { values } = parseArgs({
    args: argv, strict: true, allowPositionals: false,
    options: {
      forge: { type: 'string' }, kills: { type: 'string' }, seed: { type: 'string' }, issues: { type: 'string' },
      'pg-restarts': { type: 'string' }, 'temporal-restarts': { type: 'string' }, 'timeout-s': { type: 'string' }, keep: { type: 'boolean' }, temporal: { type: 'string' },
    },
  });
  const parsed = ChaosArgs.safeParse({
    forge: values.forge, kills: values.kills, seed: values.seed, issues: values.issues, pgRestarts: values['pg-restarts'],
    temporalRestarts: values['temporal-restarts'], timeoutS: values['timeout-s'], keep: values.keep, temporal: values.temporal,
  });
  if (!parsed.success) throw new Error(`chaos: ${parsed.error.issues.map((i) => `--${String(i.path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
