import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TodayView } from '../ipc/types';
import { dayStartMs, isFirstRun, todayGoals, todayRows } from './today';

const fixture = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'tests', 'fixtures', 'today_view.json'), 'utf8')) as TodayView;

describe('today', () => {
  it('gives each target its time and daily limit, busiest first', () => {
    const rows = todayRows(fixture);
    expect(rows.length).toBeGreaterThan(0);
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1].seconds).toBeGreaterThanOrEqual(rows[i].seconds);
    for (const t of fixture.mismatch.targets) {
      const g = t.goals.find((e) => e.goal.kind === 'dailyLimit');
      const row = rows.find((r) => r.key === `${t.target.kind}:${t.target.id}`)!;
      expect(row.limit).toBe(g && g.goal.kind === 'dailyLimit' ? g.goal.limitSecs : null);
    }
  });
  it('adds targets that have time but no row in the mismatch report', () => {
    const t: TodayView = structuredClone(fixture);
    t.mismatch.targets = [];
    expect(todayRows(t).map((r) => r.key)).toEqual(t.report.total.targets.map((u) => `platform:${u.platform}`));
  });
  it("lists each goal with today's status", () => {
    const goals = todayGoals(fixture);
    expect(goals.length).toBe(fixture.mismatch.targets.reduce((n, t) => n + t.goals.length, 0));
  });
  it('knows a first run', () => {
    expect(isFirstRun(fixture)).toBe(false);
    const quietDay: TodayView = structuredClone(fixture);
    quietDay.report.total.activeSeconds = 0;
    quietDay.timeline = [];
    quietDay.current = null;
    expect(isFirstRun(quietDay)).toBe(false);
    expect(isFirstRun({ ...quietDay, recordedSinceMs: null })).toBe(true);
  });
  it('starts the day at the day-start hour on the local clock', () => {
    const ms = dayStartMs('2026-11-28', 4);
    const d = new Date(ms);
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours()]).toEqual([2026, 10, 28, 4]);
  });
});
