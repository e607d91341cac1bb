import { describe, expect, it } from 'vitest';
import type { DayUsage, Report } from '../ipc/types';
import { change, trend, trendRange } from './aggregate';
import { daysOf } from '../period/period';

function report(from: string, to: string, perDay: (date: string, i: number) => number): Report {
  const days: DayUsage[] = daysOf(from, to).map((date, i) => {
    const s = perDay(date, i);
    return {
      date, activeSeconds: s * 2, targetSeconds: s,
      targets: s ? [{ platform: 'instagram', category: 'social', seconds: s * 0.75, sessions: 1, checks: 0 }, { platform: 'youtube', category: 'video', seconds: s * 0.25, sessions: 1, checks: 0 }] : [],
      categories: s ? [{ category: 'social', seconds: s * 0.75 }, { category: 'video', seconds: s * 0.25 }] : [],
    };
  });
  const total = days.reduce((a, d) => a + d.targetSeconds, 0);
  return { schema: 1, from, to, dayStartHour: 4, days, total: { activeSeconds: total * 2, targetSeconds: total, targets: [], categories: [] } };
}

describe('trend', () => {
  it('sums days into Monday–Sunday weeks, partial weeks included', () => {
    const t = trend(report('2026-11-11', '2026-11-28', () => 3600), 'week');
    expect(t.buckets.map((b) => [b.start, b.days, b.total])).toEqual([
      ['2026-11-09', 5, 5 * 3600],
      ['2026-11-16', 7, 7 * 3600],
      ['2026-11-23', 6, 6 * 3600],
    ]);
    expect(t.buckets[1].byPlatform).toEqual({ instagram: 7 * 2700, youtube: 7 * 900 });
    expect(t.buckets[1].byCategory).toEqual({ social: 7 * 2700, video: 7 * 900 });
    expect(t.platforms).toEqual(['instagram', 'youtube']);
  });
  it('starts where recording began, not at the start of the range', () => {
    const t = trend(report('2026-10-01', '2026-11-28', (date) => (date >= '2026-11-04' ? 3600 : 0)), 'week');
    expect(t.buckets.map((b) => [b.start, b.days])).toEqual([
      ['2026-11-02', 5],
      ['2026-11-09', 7],
      ['2026-11-16', 7],
      ['2026-11-23', 6],
    ]);
    expect(trend(report('2026-10-01', '2026-10-31', () => 0), 'month').buckets).toEqual([]);
  });

  it('sums into calendar months', () => {
    const t = trend(report('2026-10-30', '2026-11-02', () => 60), 'month');
    expect(t.buckets.map((b) => [b.start, b.days, b.total])).toEqual([['2026-10-01', 2, 120], ['2026-11-01', 2, 120]]);
  });
  it('compares per day, so a partial bucket is fair', () => {
    const t = trend(report('2026-11-16', '2026-11-25', (_d, i) => (i < 7 ? 3600 : 7200)), 'week');
    expect(change(t.buckets, 1, (b) => b.total)).toBeCloseTo(1);
    expect(change(t.buckets, 0, (b) => b.total)).toBeNull();
    // A week at the computer with no time on tracked apps has nothing to compare with.
    const idle = report('2026-11-16', '2026-11-25', (_d, i) => (i < 7 ? 0 : 60));
    for (const d of idle.days.slice(0, 7)) d.activeSeconds = 3600;
    const empty = trend(idle, 'week');
    expect(empty.buckets[0].total).toBe(0);
    expect(change(empty.buckets, 1, (b) => b.total)).toBeNull();
  });
  it('asks for whole weeks or months ending today', () => {
    expect(trendRange('week', '2026-11-28', 12)).toEqual({ from: '2026-09-07', to: '2026-11-28' });
    expect(trendRange('month', '2026-11-28', 6)).toEqual({ from: '2026-06-01', to: '2026-11-28' });
  });
});
