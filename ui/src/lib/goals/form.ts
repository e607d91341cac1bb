// The goal form's state and its mapping to the core's NewGoal. The form checks only that
// what was typed can be read (a number, a length, a time); whether the goal makes sense is
// the core's call, and its message is shown as it comes.
import type { Category, Goal, GoalKind, NewGoal, SharedGoal } from '../ipc/types';
import { clock, parseClock } from '../format/format';

export type GoalKindName = GoalKind['kind'];

export const GOAL_KINDS: { kind: GoalKindName; label: string; hint: string }[] = [
  { kind: 'dailyLimit', label: 'Daily limit', hint: 'At most this much time a day.' },
  { kind: 'weeklyLimit', label: 'Weekly limit', hint: 'At most this much time a week (Monday to Sunday).' },
  { kind: 'downtime', label: 'Downtime', hint: 'No use between two times of day.' },
  { kind: 'sessionCap', label: 'Session cap', hint: 'No single session longer than this.' },
  { kind: 'checksCap', label: 'Checks cap', hint: 'At most this many quick checks (under 30 s) a day.' },
  { kind: 'intent', label: 'Intent', hint: 'What you use it for, in your words, and optionally how long a session should take.' },
];

export const CATEGORIES: Category[] = ['social', 'video', 'messaging'];

export interface GoalForm {
  targetKind: 'platform' | 'category';
  targetId: string;
  kind: GoalKindName;
  weekdays: number;
  limit: string;
  start: string;
  end: string;
  cap: string;
  maxPerDay: string;
  purpose: string;
  planned: string;
}

export function emptyForm(): GoalForm {
  return {
    targetKind: 'platform', targetId: '', kind: 'dailyLimit', weekdays: 0x7f,
    limit: '30 min', start: '23:00', end: '07:00', cap: '15 min', maxPerDay: '10', purpose: '', planned: '',
  };
}

/**
 * A length typed by a person, in seconds: "30" (minutes), "30m", "30 min", "1h", "1h30",
 * "1 h 05 min", "2.5h". Null if it can't be read.
 */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  if (!t) return null;
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 60);
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+)(?:m|min|mins)?)?$/.exec(t.replace(/hours?|hrs?/, 'h'));
  if (!m || (m[1] === undefined && m[2] === undefined)) return null;
  return Math.round(Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60);
}

/** Seconds as the form shows them: "30 min", "1 h 30 min", "5 h". */
export function durationText(secs: number): string {
  const min = Math.round(secs / 60);
  const h = Math.floor(min / 60), m = min % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

/** A goal, personal or shared, as the form shows it. */
export function goalToForm(g: Goal | NewGoal | SharedGoal): GoalForm {
  const f: GoalForm = { ...emptyForm(), targetKind: g.target.kind, targetId: g.target.id, kind: g.kind, weekdays: g.weekdays };
  switch (g.kind) {
    case 'dailyLimit':
    case 'weeklyLimit': f.limit = durationText(g.limitSecs); break;
    case 'downtime': f.start = clock(g.startMin); f.end = clock(g.endMin); break;
    case 'sessionCap': f.cap = durationText(g.capSecs); break;
    case 'checksCap': f.maxPerDay = String(g.maxPerDay); break;
    case 'intent': f.purpose = g.purpose; f.planned = g.plannedSecs === null ? '' : durationText(g.plannedSecs); break;
  }
  return f;
}

export type FormResult = { ok: true; goal: NewGoal } | { ok: false; field: keyof GoalForm; message: string };

const fail = (field: keyof GoalForm, message: string): FormResult => ({ ok: false, field, message });

export function formToNewGoal(f: GoalForm): FormResult {
  const id = f.targetId.trim().toLowerCase();
  if (!id) return fail('targetId', f.targetKind === 'platform' ? 'Name the platform, like instagram.' : 'Pick a category.');
  if (f.targetKind === 'category' && !CATEGORIES.includes(id as Category))
    return fail('targetId', `A category is one of ${CATEGORIES.join(', ')}.`);
  const target = f.targetKind === 'platform' ? { kind: 'platform' as const, id } : { kind: 'category' as const, id: id as Category };
  const base = { target, weekdays: f.weekdays & 0x7f, source: 'personal' as const };
  const length = (field: 'limit' | 'cap' | 'planned') => {
    const s = parseDuration(f[field]);
    return s === null ? null : s;
  };
  switch (f.kind) {
    case 'dailyLimit':
    case 'weeklyLimit': {
      const s = length('limit');
      if (s === null) return fail('limit', 'Write the limit as a length, like 30 min or 1 h 30 min.');
      return { ok: true, goal: { ...base, kind: f.kind, limitSecs: s } };
    }
    case 'downtime': {
      // Lenient: any HH:MM reaches the core, which says what a valid window is.
      const start = parseClock(f.start, true), end = parseClock(f.end, true);
      if (start === null) return fail('start', 'Write the start as a time of day, like 23:00.');
      if (end === null) return fail('end', 'Write the end as a time of day, like 07:00.');
      return { ok: true, goal: { ...base, kind: 'downtime', startMin: start, endMin: end } };
    }
    case 'sessionCap': {
      const s = length('cap');
      if (s === null) return fail('cap', 'Write the cap as a length, like 15 min.');
      return { ok: true, goal: { ...base, kind: 'sessionCap', capSecs: s } };
    }
    case 'checksCap': {
      const n = Number(f.maxPerDay.trim());
      if (!f.maxPerDay.trim() || !Number.isInteger(n) || n < 0) return fail('maxPerDay', 'Write a whole number of checks, like 10.');
      return { ok: true, goal: { ...base, kind: 'checksCap', maxPerDay: n } };
    }
    case 'intent': {
      let planned: number | null = null;
      if (f.planned.trim()) {
        planned = length('planned');
        if (planned === null) return fail('planned', 'Write the planned length like 10 min, or leave it empty.');
      }
      return { ok: true, goal: { ...base, kind: 'intent', purpose: f.purpose.trim(), plannedSecs: planned } };
    }
  }
}

/** A goal in words for lists: "Daily limit · 30 min · every day". */
export function goalSummary(g: Goal | NewGoal | SharedGoal): string {
  switch (g.kind) {
    case 'dailyLimit': return `at most ${durationText(g.limitSecs)} a day`;
    case 'weeklyLimit': return `at most ${durationText(g.limitSecs)} a week`;
    case 'downtime': return `no use ${clock(g.startMin)}–${clock(g.endMin)}`;
    case 'sessionCap': return `sessions under ${durationText(g.capSecs)}`;
    case 'checksCap': return `at most ${g.maxPerDay} checks a day`;
    case 'intent': return `“${g.purpose}”${g.plannedSecs === null ? '' : `, ${durationText(g.plannedSecs)} a session`}`;
  }
}
