import type { BaseSearch } from '../forge/types.js';
import { DAY_MS, isoDay } from '../util/days.js';
import type { DiscoveryQuery } from './domains.js';

/** The base search for one of a domain's keyword queries. */
export function baseSearchFor(query: DiscoveryQuery, keywords: string, now: Date): BaseSearch {
  const base: BaseSearch = {
    text: keywords,
    minStars: query.minStars,
    pushedSince: isoDay(new Date(now.getTime() - query.pushedWithinDays * DAY_MS)),
  };
  if (query.language !== undefined) base.language = query.language;
  if (query.topic !== undefined) base.topic = query.topic;
  return base;
}
