/** Pure helpers that bend an answer the way a misbehaving model would. */

export const REFUSAL_TEXT = "I'm sorry, but I can't help with that request.";
export const NON_JSON_TEXT = 'Sure! Here is what I found: {"answer": probably yes, "reason": the tests';

/** The first half of a string: JSON cut this way never parses when it ends in a closing bracket. */
export function cutInHalf(text: string): string {
  return text.slice(0, Math.floor(text.length / 2));
}

/** A tool input cut mid-way: the later half of the keys is lost and the last kept string is cut. */
export function truncateInput(input: Record<string, unknown>): Record<string, unknown> {
  const entries = Object.entries(input);
  if (entries.length === 0) return {};
  const kept = entries.slice(0, Math.ceil(entries.length / 2));
  const last = kept[kept.length - 1];
  if (last) {
    const [key, value] = last;
    if (typeof value === 'string') kept[kept.length - 1] = [key, cutInHalf(value)];
    else if (Array.isArray(value)) kept[kept.length - 1] = [key, value.slice(0, Math.floor(value.length / 2))];
    else if (entries.length === 1) kept.pop();
  }
  return Object.fromEntries(kept);
}

/** An input that is valid JSON but breaks `schema`: every declared property gets a value of the wrong type. */
export function malformedInput(schema: Record<string, unknown>): Record<string, unknown> {
  const properties = schema['properties'];
  if (!isRecord(properties) || Object.keys(properties).length === 0) return { unexpected_field: true };
  return Object.fromEntries(Object.entries(properties).map(([key, prop]) => [key, wrongValue(prop)]));
}

function wrongValue(prop: unknown): unknown {
  if (!isRecord(prop)) return null;
  if (Array.isArray(prop['enum'])) return '__not_one_of_the_allowed_values__';
  switch (prop['type']) {
    case 'string': return 12345;
    case 'number':
    case 'integer': return 'not a number';
    case 'boolean': return 'yes';
    case 'array': return 'not an array';
    case 'object': return 'not an object';
    default: return null;
  }
}

/** Cut `text` at the earliest stop sequence, as the API does (the sequence itself is not returned). */
export function applyStopSequences(text: string, stops: readonly string[]): { text: string; stop: string | null } {
  let at = -1;
  let stop: string | null = null;
  for (const s of stops) {
    if (s.length === 0) continue;
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) {
      at = i;
      stop = s;
    }
  }
  return at < 0 ? { text, stop: null } : { text: text.slice(0, at), stop };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
