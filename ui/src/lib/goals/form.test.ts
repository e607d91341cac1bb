import { describe, expect, it } from 'vitest';
import type { Goal } from '../ipc/types';
import { durationText, emptyForm, formToNewGoal, goalSummary, goalToForm, parseDuration, type GoalForm } from './form';

const form = (over: Partial<GoalForm>): GoalForm => ({ ...emptyForm(), targetId: 'instagram', ...over });

describe('parseDuration', () => {
  it('reads the ways people write lengths', () => {
    expect(parseDuration('30')).toBe(1800);
    expect(parseDuration('30m')).toBe(1800);
    expect(parseDuration('30 min')).toBe(1800);
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('1h30')).toBe(5400);
    expect(parseDuration('1 h 05 min')).toBe(3900);
    expect(parseDuration('2.5h')).toBe(9000);
    expect(parseDuration('5 hours')).toBe(18000);
  });
  it('returns null for what is not a length', () => {
    expect(parseDuration('')).toBeNull();
    expect(parseDuration('soon')).toBeNull();
    expect(parseDuration('h')).toBeNull();
    expect(parseDuration('-5')).toBeNull();
  });
  it('writes lengths back the way the form shows them', () => {
    expect(durationText(1800)).toBe('30 min');
    expect(durationText(18000)).toBe('5 h');
    expect(durationText(5400)).toBe('1 h 30 min');
  });
});

describe('formToNewGoal', () => {
  it('maps every kind to the core JSON', () => {
    const base = { target: { kind: 'platform', id: 'instagram' }, weekdays: 127, source: 'personal' };
    expect(formToNewGoal(form({ kind: 'dailyLimit', limit: '30 min' }))).toEqual({ ok: true, goal: { ...base, kind: 'dailyLimit', limitSecs: 1800 } });
    expect(formToNewGoal(form({ kind: 'weeklyLimit', limit: '5h' }))).toEqual({ ok: true, goal: { ...base, kind: 'weeklyLimit', limitSecs: 18000 } });
    expect(formToNewGoal(form({ kind: 'downtime', start: '23:00', end: '07:00' }))).toEqual({ ok: true, goal: { ...base, kind: 'downtime', startMin: 1380, endMin: 420 } });
    expect(formToNewGoal(form({ kind: 'sessionCap', cap: '15' }))).toEqual({ ok: true, goal: { ...base, kind: 'sessionCap', capSecs: 900 } });
    expect(formToNewGoal(form({ kind: 'checksCap', maxPerDay: '10' }))).toEqual({ ok: true, goal: { ...base, kind: 'checksCap', maxPerDay: 10 } });
    expect(formToNewGoal(form({ kind: 'intent', purpose: ' to message family ', planned: '' }))).toEqual({ ok: true, goal: { ...base, kind: 'intent', purpose: 'to message family', plannedSecs: null } });
    expect(formToNewGoal(form({ kind: 'intent', purpose: 'x', planned: '10 min' }))).toMatchObject({ ok: true, goal: { plannedSecs: 600 } });
  });
  it('maps category targets and weekday bits', () => {
    const r = formToNewGoal(form({ targetKind: 'category', targetId: 'video', weekdays: 0b0011111 }));
    expect(r).toMatchObject({ ok: true, goal: { target: { kind: 'category', id: 'video' }, weekdays: 31 } });
  });
  it('lets a 25:00 downtime through to the core, which judges it', () => {
    expect(formToNewGoal(form({ kind: 'downtime', start: '25:00', end: '07:00' }))).toMatchObject({ ok: true, goal: { startMin: 1500 } });
  });
  it('points at the field that cannot be read', () => {
    expect(formToNewGoal(form({ targetId: ' ' }))).toMatchObject({ ok: false, field: 'targetId' });
    expect(formToNewGoal(form({ kind: 'dailyLimit', limit: 'lots' }))).toMatchObject({ ok: false, field: 'limit' });
    expect(formToNewGoal(form({ kind: 'downtime', start: 'late' }))).toMatchObject({ ok: false, field: 'start' });
    expect(formToNewGoal(form({ kind: 'checksCap', maxPerDay: '2.5' }))).toMatchObject({ ok: false, field: 'maxPerDay' });
    expect(formToNewGoal(form({ kind: 'intent', purpose: 'x', planned: 'a while' }))).toMatchObject({ ok: false, field: 'planned' });
    expect(formToNewGoal(form({ targetKind: 'category', targetId: 'games' }))).toMatchObject({ ok: false, field: 'targetId' });
  });
  it('round-trips stored goals through the form', () => {
    const goals: Goal[] = [
      { id: 1, target: { kind: 'platform', id: 'instagram' }, kind: 'dailyLimit', limitSecs: 1800, weekdays: 127, paused: false, source: 'personal' },
      { id: 2, target: { kind: 'platform', id: 'instagram' }, kind: 'downtime', startMin: 1380, endMin: 420, weekdays: 96, paused: false, source: 'personal' },
      { id: 3, target: { kind: 'category', id: 'video' }, kind: 'sessionCap', capSecs: 900, weekdays: 127, paused: true, source: 'personal' },
      { id: 4, target: { kind: 'platform', id: 'reddit' }, kind: 'intent', purpose: 'rust news', plannedSecs: 600, weekdays: 31, paused: false, source: 'personal' },
      { id: 5, target: { kind: 'platform', id: 'youtube' }, kind: 'weeklyLimit', limitSecs: 18000, weekdays: 127, paused: false, source: 'personal' },
      { id: 6, target: { kind: 'category', id: 'social' }, kind: 'checksCap', maxPerDay: 20, weekdays: 127, paused: false, source: 'personal' },
    ];
    for (const g of goals) {
      const { id: _id, paused: _p, ...input } = g;
      expect(formToNewGoal(goalToForm(g))).toEqual({ ok: true, goal: input });
    }
  });
  it('summarises goals in words', () => {
    expect(goalSummary({ target: { kind: 'platform', id: 'x' }, weekdays: 127, source: 'personal', kind: 'downtime', startMin: 1380, endMin: 420 })).toBe('no use 23:00–07:00');
    expect(goalSummary({ target: { kind: 'platform', id: 'x' }, weekdays: 127, source: 'personal', kind: 'dailyLimit', limitSecs: 1800 })).toBe('at most 30 min a day');
  });
});
