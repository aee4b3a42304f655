const DAY_MS = 86_400_000;

/** Start of the ISO week holding `now`: Monday 00:00 UTC. */
export function isoWeekStart(now: Date): Date {
  if (Number.isNaN(now.getTime())) throw new RangeError('invalid date');
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const sinceMonday = (now.getUTCDay() + 6) % 7; // Sunday = 0 in JS, 6 days after Monday
  return new Date(midnight - sinceMonday * DAY_MS);
}
