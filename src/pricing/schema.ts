import { z } from 'zod';

const PerMillion = z.number().nonnegative().finite();

/** US dollars per million tokens of each kind, as the provider bills them. */
export const ModelPrice = z.object({
  input: PerMillion,
  output: PerMillion,
  /** Tokens read from the prompt cache (default: the input price). */
  cacheRead: PerMillion.optional(),
  /** Tokens written to the prompt cache (default: the input price). */
  cacheWrite: PerMillion.optional(),
}).strict();
export type ModelPrice = z.infer<typeof ModelPrice>;

/** A dated price table: the date says when the prices were read from the providers' price lists. */
export const PriceTable = z.object({
  date: z.iso.date(),
  models: z.record(z.string().min(1), ModelPrice),
}).strict();
export type PriceTable = z.infer<typeof PriceTable>;

/** A price file overrides some models (and the date); every model it names is priced in full. */
export const PriceFile = PriceTable.partial();
export type PriceFile = z.infer<typeof PriceFile>;
