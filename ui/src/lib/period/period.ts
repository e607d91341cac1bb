// Local days as "YYYY-MM-DD" strings, and the periods views step through. Arithmetic is
// done on UTC dates, so the computer's time zone and DST never move a day.
import type { ViewPeriod } from '../ipc/types';

const MS_DAY = 86_400_000;
export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const toDate = (d: string) => new Date(`${d}T00:00:00Z`);
const fromDate = (d: Date) => d.toISOString().slice(0, 10);

export function addDays(date: string, n: number): string {
  return fromDate(new Date(toDate(date).getTime() + n * MS_DAY));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((toDate(to).getTime() - toDate(from).getTime()) / MS_DAY);
}

/** 0 = Monday … 6 = Sunday, the core's weekday numbering. */
export function weekdayIndex(date: string): number {
  return (toDate(date).getUTCDay() + 6) % 7;
}

export function mondayOf(date: string): string {
  return addDays(date, -weekdayIndex(date));
}

export function monthOf(date: string): string {
  return date.slice(0, 7);
}

export function addMonths(date: string, n: number): string {
  const d = toDate(date);
  const first = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  first.setUTCDate(Math.min(d.getUTCDate(), last));
  return fromDate(first);
}

/** The first and last day of the period containing `date`. */
export function periodRange(period: ViewPeriod, date: string): { from: string; to: string } {
  if (period === 'day') return { from: date, to: date };
  if (period === 'week') {
    const from = mondayOf(date);
    return { from, to: addDays(from, 6) };
  }
  const from = `${monthOf(date)}-01`;
  return { from, to: addDays(addMonths(from, 1), -1) };
}

/** The same kind of period `steps` periods away (negative = earlier). */
export function shiftPeriod(period: ViewPeriod, date: string, steps: number): string {
  if (period === 'day') return addDays(date, steps);
  if (period === 'week') return addDays(date, 7 * steps);
  return addMonths(date, steps);
}

/** Every day from `from` to `to`, inclusive. */
export function daysOf(from: string, to: string): string[] {
  const n = daysBetween(from, to);
  return Array.from({ length: Math.max(0, n + 1) }, (_, i) => addDays(from, i));
}

/** "23–29 Nov 2026", "Nov 2026", "Sat 28 Nov 2026". */
export function periodLabel(period: ViewPeriod | 'custom', from: string, to: string): string {
  // Built by hand rather than with toLocaleDateString, whose punctuation differs between
  // ICU versions (Node, Chromium, WebKitGTK).
  const f = toDate(from), t = toDate(to);
  const month = (d: Date) => MONTHS[d.getUTCMonth()];
  if (period === 'day' || from === to)
    return `${WEEKDAYS[weekdayIndex(from)]} ${f.getUTCDate()} ${month(f)} ${f.getUTCFullYear()}`;
  if (period === 'month') return `${month(f)} ${f.getUTCFullYear()}`;
  if (f.getUTCMonth() === t.getUTCMonth()) return `${f.getUTCDate()}–${t.getUTCDate()} ${month(t)} ${t.getUTCFullYear()}`;
  return `${f.getUTCDate()} ${month(f)} – ${t.getUTCDate()} ${month(t)} ${t.getUTCFullYear()}`;
}
