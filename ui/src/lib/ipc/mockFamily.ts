// The mock backend's family: an in-memory stand-in for the core's family folder
// (src/family/mod.rs), so the Family view can be tested without one. It refuses what the
// core refuses, with the core's messages, and changes the status as the core would: create
// starts a family of one, join opens the fixture family (given its fingerprint), actions
// change goals and proposals, leave forgets the family.
import type {
  AdherenceRow, CreateFamily, FamilyAction, FamilyStatus, IpcError, JoinFamily, MemberView, NewGoal, SharedGoal,
  SharePreview, Status,
} from './types';
import { validateNewGoal } from './mock';

const invalid = (message: string): IpcError => ({ code: 'invalid', message });
const clone = <T>(v: T): T => structuredClone(v);
export const MIN_PASSPHRASE = 8;

/** The core's `check_member_name`. */
export function checkMemberName(name: string): IpcError | null {
  const n = name.trim();
  if (!n) return invalid('a member needs a name: the one the family knows them by');
  if (n !== name || n.length > 40) return invalid(`'${name}' cannot be a member's name: use up to 40 characters, without spaces around`);
  return null;
}

/** The core's fingerprint alphabet (src/family/fingerprint.rs): Crockford's base32. */
const FINGERPRINT_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The core's `fingerprint::normalise`: a typed code in the fingerprint's characters
 * (case, dashes and spaces ignored, O read as 0, I and L as 1), or null when it cannot be one. */
export function normaliseFingerprint(typed: string): string | null {
  let out = '';
  for (const ch of typed) {
    if (ch === '-' || /\s/.test(ch)) continue;
    if (ch.charCodeAt(0) > 0x7f) return null;
    let c = ch.toUpperCase();
    if (c === 'O') c = '0';
    else if (c === 'I' || c === 'L') c = '1';
    if (!FINGERPRINT_ALPHABET.includes(c)) return null;
    out += c;
  }
  return out.length === 16 ? out : null;
}

/** The core's `confirm_fingerprint`: its refusal, or null when `typed` is the family's code. */
export function fingerprintRefusal(folder: string, fingerprint: string, typed: string): IpcError | null {
  const ask = "ask a member to run `mast family status` (or to open the Family view) and give the code it shows (`mast family join --fingerprint CODE`, or the join form's Fingerprint field)";
  if (!typed.trim()) return invalid(`confirm the family's fingerprint before joining, so you join the family you were told of: ${ask}`);
  const t = normaliseFingerprint(typed);
  if (t === null) return invalid(`'${typed}' is not a family fingerprint: it is 16 letters and digits in four groups, like 7KQ2-M9XD-4T8C-Q2WN; ${ask}`);
  if (t !== normaliseFingerprint(fingerprint))
    return invalid(`the family in ${folder} does not have the fingerprint ${typed}: the code was mistyped, or someone with access to the folder replaced its family.json. Nothing was written. Compare the code again with a member's \`mast family status\` (or their Family view); if it still differs, do not join, and tell the family's creator`);
  return null;
}

/** The core's `readable_duration`: "1 h 30 min", "45 min". */
function readable(secs: number): string {
  const parts = [[Math.floor(secs / 3600), 'h'], [Math.floor(secs / 60) % 60, 'min'], [secs % 60, 's']]
    .filter(([n]) => (n as number) > 0)
    .map(([n, u]) => `${n} ${u}`);
  return parts.length ? parts.join(' ') : '0 min';
}

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The core's `Weekdays` display: "every day", "weekdays", "weekends", "mon-wed, sat". */
function days(bits: number): string {
  if (bits === 0x7f) return 'every day';
  if (bits === 0x1f) return 'weekdays';
  if (bits === 0x60) return 'weekends';
  const names = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const on = (d: number) => (bits & (1 << d)) !== 0;
  const parts: string[] = [];
  for (let d = 0; d < 7; d++) {
    if (!on(d)) continue;
    const start = d;
    while (d + 1 < 7 && on(d + 1)) d++;
    if (d - start === 0) parts.push(names[start]);
    else if (d - start === 1) parts.push(names[start], names[d]);
    else parts.push(`${names[start]}-${names[d]}`);
  }
  return parts.join(', ');
}

/** A shared goal in the core's words: "instagram: at most 1 h a day". */
export function objectiveOf(g: SharedGoal): string {
  const target = g.target.kind === 'platform' ? g.target.id : `${g.target.id} (category)`;
  let kind: string;
  switch (g.kind) {
    case 'dailyLimit': kind = `at most ${readable(g.limitSecs)} a day`; break;
    case 'weeklyLimit': kind = `at most ${readable(g.limitSecs)} a week`; break;
    case 'downtime': kind = `no use ${hhmm(g.startMin)}–${hhmm(g.endMin)}`; break;
    case 'sessionCap': kind = `no session over ${readable(g.capSecs)}`; break;
    case 'checksCap': kind = g.maxPerDay === 0 ? 'no sessions at all' : `at most ${g.maxPerDay} session${g.maxPerDay === 1 ? '' : 's'} a day`; break;
    case 'intent': kind = `to “${g.purpose}”${g.plannedSecs === null ? '' : `, about ${readable(g.plannedSecs)} a session`}`; break;
  }
  return `${target}: ${g.weekdays === 0x7f ? kind : `${kind} on ${days(g.weekdays)}`}`;
}

const applies = (g: SharedGoal, member: string) => g.members.length === 0 || g.members.includes(member);

export interface FamilyMock {
  familyStatus(): Promise<FamilyStatus | null>;
  familyCreate(setup: CreateFamily): Promise<FamilyStatus>;
  familyJoin(setup: JoinFamily): Promise<FamilyStatus>;
  familySync(): Promise<FamilyStatus>;
  familyAct(action: FamilyAction): Promise<FamilyStatus>;
  familyPreview(): Promise<SharePreview>;
  familyLeave(): Promise<void>;
}

/**
 * `fixture` is the family the folder at `fixture.folder` holds (join opens it); `inFamily`
 * starts this device as the fixture's own member. `now` is the mock's clock.
 */
export function familyMock(
  fixture: FamilyStatus, preview: SharePreview,
  { inFamily, calls, failWith, now = Date.now }: { inFamily: boolean; calls: string[]; failWith?: IpcError; now?: () => number },
): FamilyMock {
  let family: FamilyStatus | null = inFamily ? clone(fixture) : null;
  let seq = 0;
  const hex8 = () => (0x1000_0000 + ++seq * 0x9e37_79b).toString(16).slice(-8);

  const current = (): FamilyStatus => {
    if (!family) throw invalid('this device is in no family; create one or join one first');
    return family;
  };
  const refuseSecond = () => {
    if (family) throw invalid(`this device is already in the family '${family.name}' (folder ${family.folder}); leave it first with \`mast family leave\``);
  };
  const done = (f: FamilyStatus): FamilyStatus => {
    const t = now();
    f.syncedMs = t;
    f.me.publishedMs = t;
    f.members = f.members.map((m) => (m.me ? { ...f.me } : m));
    f.proposals.sort((a, b) => Number(b.status === 'pending') - Number(a.status === 'pending') || b.proposedMs - a.proposedMs);
    family = f;
    return clone(f);
  };
  /** Rows for a goal, for the members it applies to: no verdict yet on the days gone by. */
  const rowsFor = (f: FamilyStatus, id: string, g: SharedGoal): AdherenceRow[] => {
    const template = (f.week.rows[0] ?? fixture.week.rows[0])?.days.map((d) => d.status === 'future') ?? [];
    const names = [...new Set(f.members.filter((m) => m.publishedMs !== null || m.me).map((m) => m.name))].sort();
    return names.filter((n) => applies(g, n)).map((member) => ({
      member, goal: id, objective: objectiveOf(g), daysKept: 0, daysBroken: 0, daysJudged: 0, seconds: 0,
      days: Array.from({ length: 7 }, (_, i) => ({
        date: addDays(f.week.from, i), usedSeconds: 0, status: (template[i] ? 'future' : 'noVerdict') as Status,
      })),
    }));
  };
  const check = (f: FamilyStatus, g: SharedGoal) => {
    for (const m of g.members) {
      const e = checkMemberName(m);
      if (e) throw e;
      if (!f.members.some((x) => x.name === m)) {
        const names = [...new Set(f.members.map((x) => x.name))].sort().join(', ');
        throw invalid(`the family has no member named '${m}'; its members are ${names}`);
      }
    }
    const { members: _, ...rest } = g;
    const e = validateNewGoal({ ...rest, source: { family: f.name } } as NewGoal);
    if (e) throw invalid(`${e.message} (among the family's shared goals)`);
  };
  const needOrganiser = (f: FamilyStatus) => {
    if (!f.me.organiser)
      throw invalid("only the family's organisers change its shared goals; propose the goal instead (`mast family propose`, or Propose a goal in the Family view), and an organiser can accept it");
  };
  const putGoal = (f: FamilyStatus, id: string, goal: SharedGoal) => {
    const view = { id, goal: clone(goal), objective: objectiveOf(goal), appliesToMe: applies(goal, f.me.name), setBy: f.me.name, setMs: now() };
    const i = f.goals.findIndex((x) => x.id === id);
    if (i >= 0) f.goals[i] = view;
    else f.goals.push(view);
    f.week.rows = [...f.week.rows.filter((r) => r.goal !== id), ...rowsFor(f, id, goal)];
  };

  return {
    familyStatus: async () => {
      calls.push('family_status');
      if (failWith) throw clone(failWith);
      return clone(family);
    },
    familyCreate: async (setup) => {
      calls.push('family_create');
      refuseSecond();
      const e = checkMemberName(setup.member);
      if (e) throw e;
      const name = setup.name.trim();
      if (!name || name.length > 60) throw invalid('give the family a name of up to 60 characters');
      if (setup.passphrase.length < MIN_PASSPHRASE)
        throw invalid(`the passphrase is too short: use at least ${MIN_PASSPHRASE} characters (a few words are best); every member types it once on joining`);
      if (!setup.folder.trim()) throw invalid('choose the family folder: a folder your sync tool keeps in step');
      if (setup.folder === fixture.folder)
        throw invalid(`${setup.folder} already holds a family; join it with \`mast family join --folder ${setup.folder}\``);
      const me: MemberView = { device: '5d2e8c0b41f7a396', name: setup.member, organiser: true, creator: true, me: true, publishedMs: null };
      return done({
        id: '0e7c4a91d25b3f68c1a09e4d7b2f5a13', fingerprint: '5D2E-8C0B-41F7-A396', name, folder: setup.folder, me, members: [me], goals: [], proposals: [],
        week: { ...clone(fixture.week), rows: [] }, problems: [], syncedMs: 0,
      });
    },
    familyJoin: async (setup) => {
      calls.push('family_join');
      refuseSecond();
      const e = checkMemberName(setup.member);
      if (e) throw e;
      if (!setup.folder.trim()) throw invalid('choose the family folder: a folder your sync tool keeps in step');
      if (setup.folder !== fixture.folder)
        throw invalid(`${setup.folder} holds no family (no family.json): choose the folder your sync tool shares with the family, and wait until it has synced`);
      const refused = fingerprintRefusal(setup.folder, fixture.fingerprint, setup.fingerprint);
      if (refused) throw refused;
      if (setup.passphrase.length < MIN_PASSPHRASE)
        throw invalid("the passphrase is wrong: it does not open this family's folder. Ask the family's creator for it");
      const f = clone(fixture);
      const me: MemberView = { device: '5d2e8c0b41f7a396', name: setup.member, organiser: false, creator: false, me: true, publishedMs: null };
      f.me = me;
      f.members = [...f.members.map((m) => ({ ...m, me: false })), me].sort((a, b) => a.name.localeCompare(b.name));
      f.goals = f.goals.map((g) => ({ ...g, appliesToMe: applies(g.goal, me.name) }));
      if (!fixture.members.some((m) => m.name === me.name))
        for (const g of f.goals) if (g.appliesToMe) f.week.rows.push(...rowsFor({ ...f, members: [me] }, g.id, g.goal));
      return done(f);
    },
    familySync: async () => {
      calls.push('family_sync');
      if (failWith) throw clone(failWith);
      return done(current());
    },
    familyAct: async (action) => {
      calls.push('family_act');
      const f = clone(current());
      const pending = (id: string) => {
        const p = f.proposals.find((x) => x.id === id);
        if (!p) throw invalid(`there is no proposal ${id}; \`mast family status\` lists them`);
        if (p.status !== 'pending') throw invalid(`proposal ${id} was already decided`);
        return p;
      };
      const known = (id: string) => {
        if (!f.goals.some((g) => g.id === id)) throw invalid(`the family has no shared goal ${id}; \`mast family status\` lists them`);
      };
      switch (action.action) {
        case 'addGoal':
          needOrganiser(f); check(f, action.goal); putGoal(f, `g-${hex8()}`, action.goal); break;
        case 'editGoal':
          needOrganiser(f); known(action.id); check(f, action.goal); putGoal(f, action.id, action.goal); break;
        case 'removeGoal':
          needOrganiser(f); known(action.id);
          f.goals = f.goals.filter((g) => g.id !== action.id);
          f.week.rows = f.week.rows.filter((r) => r.goal !== action.id);
          break;
        case 'propose':
          check(f, action.goal);
          f.proposals.push({ id: `p-${hex8()}`, goal: clone(action.goal), objective: objectiveOf(action.goal), proposedBy: f.me.name, proposedMs: now(), status: 'pending', decidedBy: null });
          break;
        case 'accept': case 'decline': {
          needOrganiser(f);
          const p = pending(action.proposal);
          if (action.action === 'accept') {
            check(f, p.goal);
            putGoal(f, `g-${p.id.slice(2)}`, p.goal);
          }
          p.status = action.action === 'accept' ? 'accepted' : 'declined';
          p.decidedBy = f.me.name;
          break;
        }
        case 'setOrganiser':
          if (!f.me.creator) throw invalid("only the family's creator chooses its organisers");
          if (!f.members.some((m) => m.name === action.member)) throw invalid(`the family has no member named '${action.member}'`);
          f.members = f.members.map((m) => (m.name === action.member && !m.creator ? { ...m, organiser: action.organiser } : m));
          f.me = f.members.find((m) => m.me)!;
          break;
      }
      return done(f);
    },
    familyPreview: async () => {
      calls.push('family_preview');
      if (failWith) throw clone(failWith);
      const f = current();
      const p = clone(preview);
      const mine = f.goals.filter((g) => g.appliesToMe);
      const ids = new Set(mine.map((g) => g.id));
      const targets = new Set(mine.map((g) => (g.goal.target.kind === 'platform' ? g.goal.target.id : `category:${g.goal.target.id}`)));
      p.file = `devices/${f.me.device}/adherence.mast`;
      p.adherence.member = f.me.name;
      for (const d of p.adherence.days) {
        d.goals = Object.fromEntries(Object.entries(d.goals).filter(([id]) => ids.has(id)));
        d.totals = Object.fromEntries(Object.entries(d.totals).filter(([t]) => targets.has(t)));
      }
      return p;
    },
    familyLeave: async () => {
      calls.push('family_leave');
      current();
      family = null;
    },
  };
}

/** "YYYY-MM-DD" plus `n` days. */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
