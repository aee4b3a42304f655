// `--name value` flags of a benchmark, checked by its zod schema: the parsed flags, or undefined
// after the usage or the schema's complaint went to stderr with exit code 2.
import { z } from 'zod';

/** `--kebab-name value` pairs, keyed camelCase as the schema names them; `flags` are the kebab names allowed. */
export function parseBenchFlags<S extends z.ZodType>(argv: readonly string[], flags: readonly string[], schema: S, usage: string): z.infer<S> | undefined {
  const raw: Record<string, string> = {};
  try {
    for (let i = 0; i < argv.length; i += 2) {
      const name = (argv[i] ?? '').replace(/^--/, '');
      const value = argv[i + 1];
      if (!argv[i]?.startsWith('--') || !flags.includes(name) || value === undefined) throw new Error(`usage: ${usage}`);
      raw[name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())] = value;
    }
    return schema.parse(raw);
  } catch (err) {
    process.stderr.write(`${err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message}\n`);
    process.exitCode = 2;
    return undefined;
  }
}
