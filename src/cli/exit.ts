import { ZodError } from 'zod';
import { GlobaLLMError, UsageError } from '../errors.js';

/** Exit codes: 0 ok, 1 failure, 2 bad usage. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof ZodError) return 2;
  return 1;
}

export function describeError(err: unknown): string {
  if (err instanceof ZodError) {
    return err.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
  }
  if (err instanceof GlobaLLMError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
