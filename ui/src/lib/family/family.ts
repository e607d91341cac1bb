// The Family view's logic: reading the create/join and shared goal forms, and putting the
// family's status and the share preview into words. The forms check only what can be
// checked here (a field left empty, the passphrase typed twice alike and long enough);
// everything else is the core's call, and its message is shown as it comes.
import type {
  AdherenceRow, CreateFamily, FamilyStatus, JoinFamily, MemberView, ProposalView, SharedGoal, SharedGoalView,
  SharePreview, Status,
} from '../ipc/types';
import { formToNewGoal, goalToForm, type GoalForm } from '../goals/form';
import { day, duration, platformName, timeOfDay } from '../format/format';

/** The core's shortest passphrase (src/family/mod.rs `MIN_PASSPHRASE`). */
export const MIN_PASSPHRASE = 8;

export interface CreateForm { folder: string; name: string; member: string; passphrase: string; confirm: string }
export interface JoinForm { folder: string; member: string; passphrase: string; fingerprint: string }

/** What every surface says next to the family's fingerprint (src/family/mod.rs `FINGERPRINT_HINT`). */
export const FINGERPRINT_HINT = 'tell joining members this code; each compares it with the one their device shows';

export type Checked<T, F> = { ok: true; value: T } | { ok: false; field: keyof F; message: string };

export const emptyCreate = (): CreateForm => ({ folder: '', name: '', member: '', passphrase: '', confirm: '' });
export const emptyJoin = (): JoinForm => ({ folder: '', member: '', passphrase: '', fingerprint: '' });

function passphraseProblem(p: string): string | null {
  if (!p) return 'Type the family passphrase.';
  if ([...p].length < MIN_PASSPHRASE) return `The passphrase needs at least ${MIN_PASSPHRASE} characters; a few words are best.`;
  return null;
}

export function checkCreate(f: CreateForm): Checked<CreateFamily, CreateForm> {
  if (!f.folder.trim()) return { ok: false, field: 'folder', message: 'Choose the family folder: a folder your sync tool keeps in step.' };
  if (!f.name.trim()) return { ok: false, field: 'name', message: 'Give the family a name.' };
  if (!f.member.trim()) return { ok: false, field: 'member', message: 'Give your name: the one the family knows you by.' };
  const p = passphraseProblem(f.passphrase);
  if (p) return { ok: false, field: 'passphrase', message: p };
  if (f.confirm !== f.passphrase) return { ok: false, field: 'confirm', message: 'The two passphrases differ; type the same one twice.' };
  return { ok: true, value: { folder: f.folder.trim(), name: f.name.trim(), member: f.member.trim(), passphrase: f.passphrase } };
}

export function checkJoin(f: JoinForm): Checked<JoinFamily, JoinForm> {
  if (!f.folder.trim()) return { ok: false, field: 'folder', message: 'Choose the family folder your sync tool brought to this device.' };
  if (!f.member.trim()) return { ok: false, field: 'member', message: 'Give your name: the one the family knows you by.' };
  const p = passphraseProblem(f.passphrase);
  if (p) return { ok: false, field: 'passphrase', message: p };
  if (!f.fingerprint.trim())
    return { ok: false, field: 'fingerprint', message: "Type the family's fingerprint: the code a member's device shows in its Family view (or `mast family status`)." };
  return { ok: true, value: { folder: f.folder.trim(), member: f.member.trim(), passphrase: f.passphrase, fingerprint: f.fingerprint.trim() } };
}

/** Who a shared goal is for: everyone, or the members chosen by name. */
export interface ForWhom { everyone: boolean; members: string[] }

/** The members' names, each once (a member may have several devices), in order. */
export function memberNames(members: MemberView[]): string[] {
  return [...new Set(members.map((m) => m.name))].sort((a, b) => a.localeCompare(b));
}

export type SharedGoalResult = { ok: true; goal: SharedGoal } | { ok: false; field: keyof GoalForm | 'members'; message: string };

/** The shared goal form (the personal goal form plus whom it is for) as a `SharedGoal`. */
export function formToSharedGoal(form: GoalForm, forWhom: ForWhom): SharedGoalResult {
  const r = formToNewGoal(form);
  if (!r.ok) return r;
  if (!forWhom.everyone && forWhom.members.length === 0)
    return { ok: false, field: 'members', message: 'Choose at least one member, or everyone.' };
  const { source: _, ...goal } = r.goal;
  return { ok: true, goal: { ...goal, members: forWhom.everyone ? [] : [...forWhom.members] } };
}

export function sharedGoalToForm(g: SharedGoal): { form: GoalForm; forWhom: ForWhom } {
  return { form: goalToForm(g), forWhom: { everyone: g.members.length === 0, members: [...g.members] } };
}

/** "everyone", "teen", "parent and teen", "child, parent and teen". */
export function forWhomText(members: string[]): string {
  if (members.length === 0) return 'everyone';
  if (members.length === 1) return members[0];
  return `${members.slice(0, -1).join(', ')} and ${members[members.length - 1]}`;
}

/** A day's mark in the adherence table: a symbol and words, so it never rests on colour. */
export const MARK: Record<Status, { symbol: string; label: string }> = {
  kept: { symbol: '✓', label: 'kept' },
  broken: { symbol: '✗', label: 'broken' },
  atRisk: { symbol: '!', label: 'at risk' },
  noVerdict: { symbol: '–', label: 'no verdict' },
  notApplicable: { symbol: '·', label: 'does not apply' },
  future: { symbol: '', label: 'ahead' },
};

/** The week's columns: "Mon 23 Nov" … "Sun 29 Nov", from the rows' days (or the week's bounds). */
export function weekColumns(week: FamilyStatus['week']): { date: string; label: string }[] {
  const dates = week.rows[0]?.days.map((d) => d.date) ?? sevenDays(week.from);
  return dates.map((date) => ({ date, label: day(date) }));
}

function sevenDays(from: string): string[] {
  return Array.from({ length: 7 }, (_, i) => {
    const d = new Date(`${from}T12:00:00Z`);
    d.setUTCDate(d.getUTCDate() + i);
    return d.toISOString().slice(0, 10);
  });
}

/** "2 of 3 days kept", "nothing judged yet". */
export function keptText(r: AdherenceRow): string {
  if (r.daysJudged === 0) return 'nothing judged yet';
  return `${r.daysKept} of ${r.daysJudged} day${r.daysJudged === 1 ? '' : 's'} kept`;
}

/** A day cell's full words for screen readers and tooltips: "Mon 23 Nov: kept, 25 min". */
export function dayText(d: AdherenceRow['days'][number]): string {
  const used = d.usedSeconds > 0 ? `, ${duration(d.usedSeconds)}` : '';
  return `${day(d.date)}: ${MARK[d.status].label}${used}`;
}

/** How long ago an instant was, for "last synced" and "last published": "just now",
 * "12 min ago", "3 h ago", else the day and time. */
export function ago(ms: number | null, now: number): string {
  if (ms === null) return 'not yet';
  const s = (now - ms) / 1000;
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  const d = new Date(ms);
  const date = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  return `${day(date)}, ${timeOfDay(ms)}`;
}

/** A member's badges, in words. */
export function badges(m: MemberView): string[] {
  return [...(m.creator ? ['creator'] : []), ...(m.organiser ? ['organiser'] : []), ...(m.me ? ['this device'] : [])];
}

export const pending = (ps: ProposalView[]) => ps.filter((p) => p.status === 'pending');
export const decided = (ps: ProposalView[]) => ps.filter((p) => p.status !== 'pending');

/** A target key of the shared adherence ("instagram", "category:video") in words. */
export function targetKeyName(key: string): string {
  return key.startsWith('category:') ? `All ${key.slice('category:'.length)}` : platformName(key);
}

export interface PreviewDay {
  date: string;
  totals: { target: string; seconds: number }[];
  marks: { goal: string; objective: string; status: Status; usedSeconds: number }[];
}

/** The preview's days, newest first, with totals by target name and each goal's mark with
 * the goal in words (or its id, for a goal no longer in force). */
export function previewDays(p: SharePreview, goals: SharedGoalView[]): PreviewDay[] {
  return [...p.adherence.days].reverse().map((d) => ({
    date: d.date,
    totals: Object.entries(d.totals).map(([k, v]) => ({ target: targetKeyName(k), seconds: v ?? 0 })),
    marks: Object.entries(d.goals).map(([id, m]) => ({
      goal: id, objective: goals.find((g) => g.id === id)?.objective ?? id, status: m!.status, usedSeconds: m!.usedSeconds,
    })),
  }));
}

/** What the preview adds up to, in one sentence. */
export function previewSummary(p: SharePreview): string {
  const days = p.adherence.days;
  const targets = new Set(days.flatMap((d) => Object.keys(d.totals)));
  const marks = days.reduce((n, d) => n + Object.keys(d.goals).length, 0);
  if (targets.size === 0 && marks === 0)
    return `No shared goal applies to you yet, so this device shares only that it is a member, as ${p.adherence.member}.`;
  return `As ${p.adherence.member}: for each of the last ${days.length} days, the time on ${[...targets].map(targetKeyName).join(', ') || 'nothing'} and whether each shared goal that applies to you was kept (${marks} mark${marks === 1 ? '' : 's'}).`;
}
