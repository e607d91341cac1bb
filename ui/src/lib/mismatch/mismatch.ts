// Helpers for the Mismatch view: which goal sets a target's limit line and session cap.
import type { SessionHistogram, TargetMismatch } from '../ipc/types';

/** The daily limit to draw on a target's chart: its own daily limit, or a weekly limit ÷ 7. */
export function dailyLimitOf(t: TargetMismatch): number | null {
  for (const e of t.goals) if (e.goal.kind === 'dailyLimit') return e.goal.limitSecs;
  for (const e of t.goals) if (e.goal.kind === 'weeklyLimit') return Math.round(e.goal.limitSecs / 7);
  return null;
}

/** The session cap that makes a session long for this target: its tightest session cap or
 * planned length, else the long-session threshold the core counted with
 * (`MismatchReport.longSessionSeconds`, from the settings). */
export function sessionCapOf(t: TargetMismatch, fallbackSecs: number): { secs: number; isGoal: boolean } {
  const caps = t.goals.flatMap((e) =>
    e.goal.kind === 'sessionCap' ? [e.goal.capSecs] : e.goal.kind === 'intent' && e.goal.plannedSecs !== null ? [e.goal.plannedSecs] : [],
  );
  return caps.length ? { secs: Math.min(...caps), isGoal: true } : { secs: fallbackSecs, isGoal: false };
}

/** A bucket bound in its natural unit: `30 s`, `5 min`, `2 h`, as `[number, unit]`. */
function unitOf(secs: number): [number, string] {
  if (secs < 60) return [secs, 's'];
  if (secs < 3600) return [Math.round((secs / 60) * 10) / 10, 'min'];
  return [Math.round((secs / 3600) * 10) / 10, 'h'];
}

/** Labels for the session-length buckets from their bounds (the core sends them):
 * `< 30 s`, `30 s–1 min`, `1–5 min`, …, `≥ 2 h`. */
export function bucketLabels(bounds: number[]): string[] {
  const short = (s: number) => unitOf(s).join(' ');
  const labels = [`< ${short(bounds[0])}`];
  for (let i = 1; i < bounds.length; i++) {
    const [a, ua] = unitOf(bounds[i - 1]);
    const [b, ub] = unitOf(bounds[i]);
    labels.push(ua === ub ? `${a}–${b} ${ub}` : `${a} ${ua}–${b} ${ub}`);
  }
  labels.push(`≥ ${short(bounds[bounds.length - 1])}`);
  return labels;
}

/** Where a length falls on the histogram's axis, in bucket widths from its left edge: the
 * bucket it belongs to, plus how far into it (linear within the bucket). The last bucket is
 * open-ended, so lengths in it are spread over twice its lower bound. */
export function bucketPosition(secs: number, bounds: number[]): number {
  let i = 0;
  while (i < bounds.length && secs >= bounds[i]) i++;
  const lo = i === 0 ? 0 : bounds[i - 1];
  const hi = i < bounds.length ? bounds[i] : 2 * bounds[bounds.length - 1];
  return i + Math.min(1, Math.max(0, (secs - lo) / (hi - lo)));
}

/** The histogram as sentences for screen readers: `under 30 s: 6 sessions, …`. */
export function histogramText(h: SessionHistogram): string {
  const labels = bucketLabels(h.boundsSeconds);
  return h.counts.map((n, i) => `${labels[i]}: ${n} ${n === 1 ? 'session' : 'sessions'}`).join(', ');
}
