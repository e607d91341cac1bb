// Trends: a Report's days summed into weeks (Monday–Sunday) or calendar months, per
// platform and per category. Pure; the view only draws what this returns.
import type { Report } from '../ipc/types';
import { addDays, addMonths, mondayOf, monthOf } from '../period/period';

export type Grain = 'week' | 'month';

export interface Bucket {
  /** First day of the week or month. */
  start: string;
  /** Days of the bucket that the report covers (a partial first or last bucket has fewer). */
  days: number;
  total: number;
  byPlatform: Record<string, number>;
  byCategory: Record<string, number>;
}

export interface Trend {
  grain: Grain;
  buckets: Bucket[];
  /** Platforms and categories, busiest first over the whole report. */
  platforms: string[];
  categories: string[];
}

export function bucketStart(grain: Grain, date: string): string {
  return grain === 'week' ? mondayOf(date) : `${monthOf(date)}-01`;
}

/** Days before the first one with anything recorded (Mast was not running yet) are left out,
 * so a trend of the last twelve weeks on four weeks of data starts where the data does. */
export function trend(report: Report, grain: Grain): Trend {
  const buckets = new Map<string, Bucket>();
  const first = report.days.findIndex((d) => d.activeSeconds > 0);
  for (const d of first < 0 ? [] : report.days.slice(first)) {
    const start = bucketStart(grain, d.date);
    let b = buckets.get(start);
    if (!b) buckets.set(start, (b = { start, days: 0, total: 0, byPlatform: {}, byCategory: {} }));
    b.days += 1;
    b.total += d.targetSeconds;
    for (const t of d.targets) b.byPlatform[t.platform] = (b.byPlatform[t.platform] ?? 0) + t.seconds;
    for (const c of d.categories) b.byCategory[c.category] = (b.byCategory[c.category] ?? 0) + c.seconds;
  }
  const rank = (key: 'byPlatform' | 'byCategory') => {
    const sums: Record<string, number> = {};
    for (const b of buckets.values()) for (const [k, v] of Object.entries(b[key])) sums[k] = (sums[k] ?? 0) + v;
    return Object.keys(sums).sort((a, b) => sums[b] - sums[a] || a.localeCompare(b));
  };
  return {
    grain,
    buckets: [...buckets.values()].sort((a, b) => a.start.localeCompare(b.start)),
    platforms: rank('byPlatform'),
    categories: rank('byCategory'),
  };
}

/** The range of days to ask `report` for: the last `count` weeks or months up to `today`. */
export function trendRange(grain: Grain, today: string, count: number): { from: string; to: string } {
  const from = grain === 'week' ? addDays(mondayOf(today), -7 * (count - 1)) : `${monthOf(addMonths(today, -(count - 1)))}-01`;
  return { from, to: today };
}

/** Change from the previous bucket as a ratio (0.25 = a quarter more), per day so partial
 * buckets compare fairly; null without a previous bucket or time in it. */
export function change(buckets: Bucket[], i: number, value: (b: Bucket) => number): number | null {
  if (i < 1) return null;
  const prev = value(buckets[i - 1]) / buckets[i - 1].days;
  if (prev <= 0) return null;
  return value(buckets[i]) / buckets[i].days / prev - 1;
}
