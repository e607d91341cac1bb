// Helpers for the Mismatch view: which goal sets a target's limit line and session cap.
import type { TargetMismatch } from '../ipc/types';

/** The daily limit to draw on a target's chart: its own daily limit, or a weekly limit ÷ 7. */
export function dailyLimitOf(t: TargetMismatch): number | null {
  for (const e of t.goals) if (e.goal.kind === 'dailyLimit') return e.goal.limitSecs;
  for (const e of t.goals) if (e.goal.kind === 'weeklyLimit') return Math.round(e.goal.limitSecs / 7);
  return null;
}

/** The session cap that makes a session long for this target: its tightest session cap or
 * planned length, else the long-session default. */
export function sessionCapOf(t: TargetMismatch, fallbackSecs = 1200): { secs: number; isGoal: boolean } {
  const caps = t.goals.flatMap((e) =>
    e.goal.kind === 'sessionCap' ? [e.goal.capSecs] : e.goal.kind === 'intent' && e.goal.plannedSecs !== null ? [e.goal.plannedSecs] : [],
  );
  return caps.length ? { secs: Math.min(...caps), isGoal: true } : { secs: fallbackSecs, isGoal: false };
}
