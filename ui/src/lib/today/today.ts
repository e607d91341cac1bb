// What the Today view shows, derived from TodayView: one row per target with today's time
// and its daily limit (if it has one), and each goal's status today.
import type { Status, TodayView } from '../ipc/types';
import { targetKey, targetName } from '../format/format';

export interface TodayRow {
  key: string;
  label: string;
  seconds: number;
  limit: number | null;
}

export interface TodayGoal {
  key: string;
  target: string;
  objective: string;
  measured: string;
  status: Status;
}

export function todayRows(t: TodayView): TodayRow[] {
  const rows: TodayRow[] = [];
  const seen = new Set<string>();
  for (const m of t.mismatch.targets) {
    const limitGoal = m.goals.find((g) => g.goal.kind === 'dailyLimit');
    const limit = limitGoal && limitGoal.goal.kind === 'dailyLimit' ? limitGoal.goal.limitSecs : null;
    rows.push({ key: targetKey(m.target), label: targetName(m.target), seconds: m.seconds, limit });
    seen.add(targetKey(m.target));
  }
  for (const u of t.report.total.targets) {
    const key = `platform:${u.platform}`;
    if (!seen.has(key)) rows.push({ key, label: targetName({ kind: 'platform', id: u.platform }), seconds: u.seconds, limit: null });
  }
  return rows.sort((a, b) => b.seconds - a.seconds);
}

export function todayGoals(t: TodayView): TodayGoal[] {
  return t.mismatch.targets.flatMap((m) =>
    m.goals.map((g) => ({
      key: `${targetKey(m.target)}#${g.goal.id}`,
      target: targetName(m.target),
      objective: g.objective,
      measured: g.measured,
      status: g.days.find((d) => d.date === t.date)?.status ?? g.status,
    })),
  );
}

/** A first run: nothing recorded yet, ever (a day with nothing yet is no first run). */
export function isFirstRun(t: TodayView): boolean {
  return t.recordedSinceMs === null;
}

/** The first day with Mast: something is recorded, less than a day of it. Today still
 *  offers the demo then (tracking records the Mast window itself within seconds). */
export function isFirstDay(t: TodayView, nowMs: number): boolean {
  return t.recordedSinceMs !== null && nowMs - t.recordedSinceMs < 86_400_000;
}

/** The local instant the local day `date` starts, on this computer's clock. */
export function dayStartMs(date: string, dayStartHour: number): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y, m - 1, d, dayStartHour).getTime();
}
