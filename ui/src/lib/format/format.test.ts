import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clock, day, duration, index, money, parseClock, percent, platformName, sessionStart, targetName, weekdays } from './format';

describe('duration', () => {
  it('reads hours with two-digit minutes', () => {
    expect(duration(3900)).toBe('1 h 05 min');
    expect(duration(7440)).toBe('2 h 04 min');
    expect(duration(36000)).toBe('10 h 00 min');
  });
  it('reads minutes below an hour, rounding to the nearest minute', () => {
    expect(duration(1800)).toBe('30 min');
    expect(duration(89.9)).toBe('1 min');
    expect(duration(3569)).toBe('59 min');
    expect(duration(3570)).toBe('1 h 00 min');
  });
  it('reads seconds below a minute and zero as minutes', () => {
    expect(duration(40.4)).toBe('40 s');
    expect(duration(0)).toBe('0 min');
    expect(duration(0.4)).toBe('0 s');
  });
  it('reads every duration as the core does (CLI, notifications, tray)', () => {
    // Written by examples/ui_fixtures.rs from mast::format::duration.
    const path = join(__dirname, '..', '..', '..', 'tests', 'fixtures', 'durations.json');
    const cases = JSON.parse(readFileSync(path, 'utf8')) as [number, string][];
    expect(cases.length).toBeGreaterThan(10);
    for (const [seconds, text] of cases) expect([seconds, duration(seconds)]).toEqual([seconds, text]);
  });
  it('shows a dash for no figure and clamps negatives', () => {
    expect(duration(null)).toBe('—');
    expect(duration(Number.NaN)).toBe('—');
    expect(duration(-5)).toBe('0 min');
  });
});

describe('clock', () => {
  it('formats and parses times of day', () => {
    expect(clock(0)).toBe('00:00');
    expect(clock(1380)).toBe('23:00');
    expect(clock(1440 + 65)).toBe('01:05');
    expect(parseClock('7:05')).toBe(425);
    expect(parseClock('23:59')).toBe(1439);
  });
  it('rejects what is not a time, and lets 25:00 through only when lenient', () => {
    expect(parseClock('25:00')).toBeNull();
    expect(parseClock('25:00', true)).toBe(1500);
    expect(parseClock('12:60', true)).toBeNull();
    expect(parseClock('noon')).toBeNull();
  });
});

describe('numbers and names', () => {
  it('formats ratios and money', () => {
    expect(percent(0.414)).toBe('41 %');
    expect(percent(null)).toBe('—');
    expect(index(0.37159)).toBe('0.37');
    expect(index(null)).toBe('—');
    expect(money(0.9, 'USD')).toBe('$0.90');
    expect(money(1.234, 'EUR')).toBe('€1.23');
  });
  it('names platforms and categories', () => {
    expect(platformName('instagram')).toBe('Instagram');
    expect(platformName('youtube')).toBe('YouTube');
    expect(targetName({ kind: 'category', id: 'social' })).toBe('All social');
  });
  it('reads weekday bit sets, bit 0 = Monday', () => {
    expect(weekdays(127)).toBe('every day');
    expect(weekdays(31)).toBe('Mon–Fri');
    expect(weekdays(96)).toBe('weekends');
    expect(weekdays(0b101)).toBe('Mon, Wed');
  });
  it('shows local days without time-zone shifts', () => {
    expect(day('2026-11-28')).toBe('Sat 28 Nov');
  });
  it('shows a session start on its own stored offset', () => {
    // 23:40 UTC at +60 min is 00:40 local the next day.
    expect(sessionStart(Date.parse('2026-11-25T23:40:00Z'), 60)).toBe('Thu 26 Nov, 00:40');
  });
});
