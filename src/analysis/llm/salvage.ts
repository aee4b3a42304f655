/**
 * The complete objects at the start of the first JSON array in `raw`, for tool arguments cut
 * short by max_tokens (`{"a":[{…},{…},{"ref":3,"cat":"bu`). Incomplete or unparsable objects are skipped.
 */
export function salvageArrayItems(raw: string): unknown[] {
  const start = raw.indexOf('[');
  if (start < 0) return [];
  const items: unknown[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let objectStart = -1;
  for (let i = start + 1; i < raw.length; i++) {
    const ch = raw[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') {
      if (depth === 0) objectStart = i;
      depth++;
    } else if (ch === '}') {
      depth--;
      if (depth === 0 && objectStart >= 0) {
        try {
          items.push(JSON.parse(raw.slice(objectStart, i + 1)));
        } catch {
          // not an object after all: skip it
        }
        objectStart = -1;
      }
      if (depth < 0) break;
    } else if (ch === ']' && depth === 0) break;
  }
  return items;
}
