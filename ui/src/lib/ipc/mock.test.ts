import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, mockBackend, sliceReport, validateNewGoal, type Fixtures } from './mock';
import { toIpcError } from './backend';
import type { NewGoal } from './types';

const dir = join(__dirname, '..', '..', '..', 'tests', 'fixtures');
const fixtures = Object.fromEntries(FIXTURE_NAMES.map((n) => [n, JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8'))])) as Fixtures;
const goal = (over: Partial<NewGoal> & Pick<NewGoal, 'kind'>): NewGoal =>
  ({ target: { kind: 'platform', id: 'instagram' }, weekdays: 127, source: 'personal', ...over }) as NewGoal;

describe('fixtures', () => {
  it('follow the documented JSON', () => {
    for (const p of ['day', 'week', 'month'] as const) {
      const m = fixtures[`mismatch-${p}`];
      expect(m.schema).toBe(1);
      expect(m.period).toBe(p);
      for (const t of m.targets) {
        expect(t.target.kind === 'platform' || t.target.kind === 'category').toBe(true);
        expect(typeof t.seconds).toBe('number');
        if (t.patterns) expect(t.patterns.hourWeekdaySeconds).toHaveLength(7);
        if (t.patterns) for (const row of t.patterns.hourWeekdaySeconds) expect(row).toHaveLength(24);
      }
    }
    const r = fixtures.report;
    expect(r.days.length).toBeGreaterThan(0);
    expect(fixtures.today_view.report.days[0].date).toBe(fixtures.today_view.date);
    expect(typeof fixtures.settings.day_start_hour).toBe('number');
    expect(['tracking', 'paused', 'external', 'stopped']).toContain(fixtures.tracking.mode);
    for (const g of fixtures.goals) expect(validateNewGoal(g)).toBeNull();
  });
});

describe('mock backend', () => {
  it('returns copies, so a view cannot change the fixtures', async () => {
    const b = mockBackend(fixtures);
    const a = await b.goals();
    a.pop();
    expect(await b.goals()).toHaveLength(fixtures.goals.length);
  });
  it('rejects a 25:00 downtime with {code, message} and adds a valid goal', async () => {
    const b = mockBackend(fixtures);
    const err = await b.addGoal(goal({ kind: 'downtime', startMin: 1500, endMin: 420 })).catch((e) => e);
    expect(err).toEqual({ code: 'invalid', message: expect.stringContaining('00:00 to 23:59') });
    const g = await b.addGoal(goal({ kind: 'downtime', startMin: 1380, endMin: 420 }));
    expect(g.id).toBe(Math.max(...fixtures.goals.map((x) => x.id)) + 1);
    expect(g.paused).toBe(false);
    expect(await b.goals()).toContainEqual(g);
  });
  it('validates every kind as the core does', () => {
    expect(validateNewGoal(goal({ kind: 'dailyLimit', limitSecs: 0 }))?.message).toMatch(/more than zero/);
    expect(validateNewGoal(goal({ kind: 'dailyLimit', limitSecs: 90_000 }))?.message).toMatch(/more than a day holds/);
    expect(validateNewGoal(goal({ kind: 'weeklyLimit', limitSecs: 18_000 }))).toBeNull();
    expect(validateNewGoal(goal({ kind: 'sessionCap', capSecs: 0 }))?.code).toBe('invalid');
    expect(validateNewGoal(goal({ kind: 'checksCap', maxPerDay: 5000 }))?.message).toMatch(/one a minute/);
    expect(validateNewGoal(goal({ kind: 'downtime', startMin: 60, endMin: 60 }))?.message).toMatch(/same time/);
    expect(validateNewGoal(goal({ kind: 'intent', purpose: ' ', plannedSecs: null }))?.message).toMatch(/purpose/);
    expect(validateNewGoal(goal({ kind: 'dailyLimit', limitSecs: 60, weekdays: 0 }))?.message).toMatch(/at least one day/);
  });
  it('edits, pauses and removes goals', async () => {
    const b = mockBackend(fixtures);
    const first = fixtures.goals[0];
    const edited = await b.editGoal(first.id, goal({ kind: 'dailyLimit', limitSecs: 2400 }));
    expect(edited).toMatchObject({ id: first.id, kind: 'dailyLimit', limitSecs: 2400 });
    expect(await b.setGoalPaused(first.id, true)).toMatchObject({ paused: true });
    await b.removeGoal(first.id);
    expect((await b.goals()).find((g) => g.id === first.id)).toBeUndefined();
    expect(await b.removeGoal(first.id).catch((e) => e)).toMatchObject({ code: 'notFound' });
  });
  it('answers each period from its fixture and cuts reports to the range', async () => {
    const b = mockBackend(fixtures);
    expect((await b.mismatch('month')).period).toBe('month');
    const last = fixtures.report.days[fixtures.report.days.length - 1].date;
    const r = await b.report(last, last);
    expect(r.days).toHaveLength(1);
    expect(r.total.targetSeconds).toBe(fixtures.report.days.at(-1)!.targetSeconds);
    expect(sliceReport(fixtures.report, '1990-01-01', '1990-01-02')).toBe(fixtures.report);
    expect(await b.report('2026-02-02', '2026-01-01').catch((e) => e)).toMatchObject({ code: 'invalid' });
  });
  it('starts empty on a first run until the demo is loaded', async () => {
    const b = mockBackend(fixtures, { empty: true });
    const t = await b.todayView();
    expect(t.timeline).toEqual([]);
    expect(t.report.total.targetSeconds).toBe(0);
    await b.loadDemo();
    expect((await b.todayView()).timeline.length).toBe(fixtures.today_view.timeline.length);
  });
  it('tells subscribers of tracked minutes and of the demo switched, until they stop listening', async () => {
    const b = mockBackend(fixtures, { empty: true });
    let told = 0;
    const stop = await b.onDataChanged(() => told++);
    b.track('instagram', 90);
    expect(told).toBe(1);
    const t = await b.todayView();
    expect([t.recordedSinceMs !== null, t.report.total.targetSeconds, t.current?.seconds]).toEqual([true, 90, 90]);
    await b.loadDemo();
    expect(told).toBe(2);
    expect((await b.tracking()).demo).toBe(true);
    await b.showOwnData();
    expect((await b.todayView()).report.total.targetSeconds).toBe(90);
    stop();
    b.track('instagram', 10);
    expect(told).toBe(3);
  });
  it('fails reads with the given error', async () => {
    const b = mockBackend(fixtures, { failWith: { code: 'store', message: 'the database is locked' } });
    expect(await b.todayView().catch((e) => e)).toEqual({ code: 'store', message: 'the database is locked' });
  });
  it('validates and keeps settings', async () => {
    const b = mockBackend(fixtures);
    const s = await b.settings();
    expect(await b.saveSettings({ ...s, day_start_hour: 24 }).catch((e) => e)).toMatchObject({ code: 'invalid' });
    expect(await b.saveSettings({ ...s, day_start_hour: 5 })).toMatchObject({ day_start_hour: 5 });
    expect((await b.settings()).day_start_hour).toBe(5);
  });
  it('pauses and resumes tracking', async () => {
    const b = mockBackend(fixtures);
    expect((await b.pauseTracking({ minutes: 60 })).mode).toBe('paused');
    expect(await b.resumeTracking()).toMatchObject({ mode: 'tracking', pausedUntilMs: null });
  });
});

describe('toIpcError', () => {
  it('keeps {code, message} and wraps strings and Errors', () => {
    expect(toIpcError({ code: 'invalid', message: 'no' })).toEqual({ code: 'invalid', message: 'no' });
    expect(toIpcError('plain')).toEqual({ code: 'unknown', message: 'plain' });
    expect(toIpcError(new Error('boom'))).toEqual({ code: 'unknown', message: 'boom' });
    expect(toIpcError(undefined).code).toBe('unknown');
  });
});
