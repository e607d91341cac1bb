import { describe, expect, it } from 'vitest';
import { addDays, addMonths, daysBetween, daysOf, mondayOf, periodLabel, periodRange, shiftPeriod, weekdayIndex } from './period';

describe('days', () => {
  it('adds days across months, years and DST changes', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-29', 1)).toBe('2026-03-30');
    expect(addDays('2026-10-25', -1)).toBe('2026-10-24');
    expect(daysBetween('2026-11-01', '2026-11-30')).toBe(29);
    expect(daysOf('2026-11-27', '2026-11-29')).toEqual(['2026-11-27', '2026-11-28', '2026-11-29']);
  });
  it('numbers weekdays from Monday = 0, as the core does', () => {
    expect(weekdayIndex('2026-11-23')).toBe(0);
    expect(weekdayIndex('2026-11-29')).toBe(6);
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(mondayOf('2026-11-23')).toBe('2026-11-23');
  });
  it('adds months, keeping the day when the month has it', () => {
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2026-03-15', -3)).toBe('2025-12-15');
  });
});

describe('periods', () => {
  it('finds the range around a day', () => {
    expect(periodRange('day', '2026-11-28')).toEqual({ from: '2026-11-28', to: '2026-11-28' });
    expect(periodRange('week', '2026-11-28')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(periodRange('month', '2026-02-10')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(periodRange('month', '2028-02-10')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
  });
  it('steps to the previous and next period', () => {
    expect(shiftPeriod('day', '2026-11-28', -1)).toBe('2026-11-27');
    expect(shiftPeriod('week', '2026-11-23', -1)).toBe('2026-11-16');
    expect(shiftPeriod('month', '2026-11-01', 1)).toBe('2026-12-01');
    expect(periodRange('week', shiftPeriod('week', '2026-11-29', 1)).from).toBe('2026-11-30');
  });
  it('labels periods', () => {
    expect(periodLabel('week', '2026-11-23', '2026-11-29')).toBe('23–29 Nov 2026');
    expect(periodLabel('week', '2026-11-30', '2026-12-06')).toBe('30 Nov – 6 Dec 2026');
    expect(periodLabel('month', '2026-11-01', '2026-11-30')).toBe('Nov 2026');
    expect(periodLabel('day', '2026-11-28', '2026-11-28')).toBe('Sat 28 Nov 2026');
  });
});
