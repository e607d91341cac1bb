// How numbers read in the UI. The JSON carries seconds (with decimals), ratios 0–1 and
// "YYYY-MM-DD" days; everything shown to people passes through here.
import type { GoalTarget, Status } from '../ipc/types';

/** "1 h 05 min", "45 min", "40 s", "0 min". Rounded to the minute from a minute up. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, seconds);
  if (s > 0 && s < 59.5) return `${Math.round(s)} s`;
  const minutes = Math.round(s / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  return `${h} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Minutes after local midnight as "HH:MM". */
export function clock(minutes: number): string {
  const m = ((Math.round(minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** "HH:MM" (00:00–23:59, or any HH:MM when `lenient`) to minutes; null if it isn't a time. */
export function parseClock(text: string, lenient = false): number | null {
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) return null;
  const h = Number(m[1]), min = Number(m[2]);
  if (min > 59) return null;
  if (!lenient && h > 23) return null;
  return h * 60 + min;
}

/** A 0–1 ratio as "62 %"; "—" for no figure. */
export function percent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return `${Math.round(ratio * 100)} %`;
}

/** The mismatch index, two decimals: "0.62". */
export function index(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return ratio.toFixed(2);
}

export function money(amount: number, currency: string): string {
  const symbol = currency === 'USD' ? '$' : currency === 'EUR' ? '€' : `${currency} `;
  return `${symbol}${amount.toFixed(2)}`;
}

const PLATFORM_NAMES: Record<string, string> = {
  youtube: 'YouTube', tiktok: 'TikTok', linkedin: 'LinkedIn', whatsapp: 'WhatsApp', x: 'X',
};

/** "instagram" → "Instagram"; categories read "All social". */
export function platformName(id: string): string {
  return PLATFORM_NAMES[id] ?? id.charAt(0).toUpperCase() + id.slice(1);
}

export function targetName(t: GoalTarget): string {
  return t.kind === 'platform' ? platformName(t.id) : `All ${t.id}`;
}

export function targetKey(t: GoalTarget): string {
  return `${t.kind}:${t.id}`;
}

export const STATUS_LABEL: Record<Status, string> = {
  kept: 'kept', atRisk: 'at risk', broken: 'broken', notApplicable: 'not today', future: 'ahead', noVerdict: 'no verdict',
};

const WEEKDAY_SHORT = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTH_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A weekday bit set as "every day", "Mon–Fri", "weekends", "Mon, Wed". */
export function weekdays(bits: number): string {
  const b = bits & 0x7f;
  if (b === 0x7f) return 'every day';
  if (b === 0x1f) return 'Mon–Fri';
  if (b === 0x60) return 'weekends';
  if (b === 0) return 'no days';
  return WEEKDAY_SHORT.filter((_, i) => b & (1 << i)).join(', ');
}

/** "2026-11-28" → "Sat 28 Nov" (the date is a local day: no time zone shifting). */
export function day(date: string): string {
  const d = new Date(`${date}T12:00:00Z`);
  return `${WEEKDAY_SHORT[(d.getUTCDay() + 6) % 7]} ${d.getUTCDate()} ${MONTH_SHORT[d.getUTCMonth()]}`;
}

/** Epoch milliseconds as local "HH:MM" on this computer. */
export function timeOfDay(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** A session's start on the clock it happened under (its stored UTC offset). */
export function sessionStart(startMs: number, utcOffsetMin: number): string {
  const d = new Date(startMs + utcOffsetMin * 60_000);
  const date = d.toISOString().slice(0, 10);
  return `${day(date)}, ${d.toISOString().slice(11, 16)}`;
}
