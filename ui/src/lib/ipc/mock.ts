import type { Backend } from './backend';
import { familyMock } from './mockFamily';
import type {
  DataLocation, PlatformChoice, FamilyStatus, SharePreview, Goal, GoalId, IpcError, MismatchReport, NewGoal, RecentWindow, Report, RuleDraft, RuleMatch,
  RuleTrial, Settings, SetupReport, TodayView, TrackingState,
} from './types';

/** The fixture files in `ui/tests/fixtures/`, by file name without `.json`. */
export interface Fixtures {
  today_view: TodayView;
  'mismatch-day': MismatchReport;
  'mismatch-week': MismatchReport;
  'mismatch-month': MismatchReport;
  report: Report;
  goals: Goal[];
  settings: Settings;
  tracking: TrackingState;
  /** What `platform_choices` returns for the demo. */
  platform_choices: PlatformChoice[];
  /** What `tracking` returns on GNOME without Mast's extension and without a tray. */
  tracking_no_sensor: TrackingState;
  /** What the core's `Store::recent_windows` returns for the demo (the windows `try_rule` tries). */
  recent_windows: RecentWindow[];
  /** What `family_status` returns for a device in the demo family. */
  family: FamilyStatus;
  /** What `family_preview` returns on that device. */
  family_preview: SharePreview;
  /** What `family_status` returns on that device once the folder's `family.json` was replaced. */
  family_replaced: FamilyStatus;
}

export const FIXTURE_NAMES: (keyof Fixtures)[] = [
  'today_view', 'mismatch-day', 'mismatch-week', 'mismatch-month', 'report', 'goals', 'settings', 'tracking',
  'tracking_no_sensor', 'platform_choices', 'recent_windows', 'family', 'family_preview', 'family_replaced',
];

export interface MockOptions {
  /** Start as a first run: no data until `loadDemo` is called. */
  empty?: boolean;
  /** Make every read fail with this error (to test error states). */
  failWith?: IpcError;
  /** Start outside any family (the Family view offers create and join). `empty` implies it. */
  noFamily?: boolean;
  /** The tracker runs without a working sensor (`tracking_no_sensor`). */
  noSensor?: boolean;
  /** Start in the family after someone replaced the folder's `family.json` (`family_replaced`). */
  familyReplaced?: boolean;
}

const clone = <T>(v: T): T => structuredClone(v);
const invalid = (message: string): IpcError => ({ code: 'invalid', message });
const DAY = 86_400;

/**
 * Goal validation as the core does it (src/goals/validate.rs), so the forms can be tested
 * against the same rejections. The real app shows the core's own messages.
 */
export function validateNewGoal(g: NewGoal): IpcError | null {
  if ((g.weekdays & 0x7f) === 0) return invalid('a goal needs at least one day');
  if (!g.target.id.trim()) return invalid('a goal needs a platform or a category');
  const limit = (secs: number, most: number, what: string, period: string) =>
    secs <= 0
      ? invalid(`${what} must be more than zero`)
      : secs > most
        ? invalid(`${what} of ${Math.round(secs / 60)} min is more than ${period} holds`)
        : null;
  switch (g.kind) {
    case 'dailyLimit': return limit(g.limitSecs, DAY, 'a daily limit', 'a day');
    case 'weeklyLimit': return limit(g.limitSecs, 7 * DAY, 'a weekly limit', 'a week');
    case 'sessionCap': return limit(g.capSecs, DAY, 'a session cap', 'a day');
    case 'checksCap':
      return g.maxPerDay > 1440
        ? invalid(`a checks cap of ${g.maxPerDay} sessions a day is more than one a minute and would never be reached`)
        : null;
    case 'downtime':
      if (![g.startMin, g.endMin].every((m) => Number.isInteger(m) && m >= 0 && m < 1440))
        return invalid('a downtime window runs between times of day from 00:00 to 23:59, like 23:00-07:00');
      if (g.startMin === g.endMin)
        return invalid('the downtime window starts and ends at the same time; give a window like 23:00-07:00');
      return null;
    case 'intent':
      if (!g.purpose.trim()) return invalid('an intent needs a purpose in your own words');
      if (g.purpose.length > 200) return invalid('keep the purpose to 200 characters; a short sentence is enough');
      return g.plannedSecs === null ? null : limit(g.plannedSecs, DAY, 'a planned session length', 'a day');
  }
}

/** The start of the next local day after `nowMs` (days start at `dayStartHour`, local time):
 * when "pause until tomorrow" ends. */
export function nextDayStart(nowMs: number, dayStartHour: number): number {
  const d = new Date(nowMs);
  d.setHours(dayStartHour, 0, 0, 0);
  if (d.getTime() <= nowMs) d.setDate(d.getDate() + 1);
  return d.getTime();
}

/** A rule draft checked as the core's rules parser does (src/classify/file.rs), with its
 * messages, so the rule form can be tested against the same rejections. */
export function validateRuleDraft(r: RuleDraft): IpcError | null {
  const at = `platform '${r.id}' (line 1)`;
  if (!/^[a-z0-9_-]+$/.test(r.id.trim())) return invalid(`${at}: an id may use only lowercase letters, digits, '-' and '_'`);
  if (r.apps.some((a) => !a.trim())) return invalid(`${at} has an empty entry in \`apps\`; remove it`);
  const everything = r.titles.find((t) => /^\*+$/.test(t));
  if (everything) return invalid(`${at} has the title pattern '${everything}', which matches every page; name the site, e.g. "* - Site"`);
  const badUrl = r.urls.find((u) => u.includes('://') || /\s/.test(u) || u.includes('*') || u.startsWith('/'));
  if (badUrl) return invalid(`${at} has the url pattern '${badUrl}'; write a domain with an optional path prefix and no scheme or wildcard, e.g. "youtube.com/shorts/"`);
  if (!r.apps.length && !r.titles.length && !r.urls.length) return invalid(`${at} has no apps, titles or urls; add at least one, or disable it instead`);
  return null;
}

const BROWSER_SUFFIX = / (?:—|-) (?:Mozilla Firefox|Google Chrome|Chromium|Brave)$/;
const BROWSERS = ['firefox', 'chrome', 'chromium', 'brave', 'google-chrome'];

function glob(pattern: string): RegExp {
  const esc = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${esc}$`, 'i');
}

/** Which recent windows a draft matches: an approximation of the core's matching for the
 * mock (app by class or executable, titles of browser windows without the browser's name,
 * urls by domain and path prefix). The real app asks the core. */
export function trialOf(r: RuleDraft, windows: RecentWindow[], days = 7): RuleTrial {
  const id = r.id.trim();
  const matches: RuleMatch[] = [];
  for (const w of windows) {
    const names = [w.app, w.exe ?? ''].map((x) => x.toLowerCase());
    let rule: string | null = null;
    if (r.apps.some((a) => names.includes(a.trim().toLowerCase()))) rule = `${id}.app`;
    else if (w.url && r.urls.some((u) => w.url!.replace(/^https?:\/\/(www\.)?/, '').startsWith(u))) rule = `${id}.url`;
    else if (w.title && names.some((n) => BROWSERS.includes(n))) {
      const page = w.title.replace(BROWSER_SUFFIX, '');
      if (r.titles.some((t) => glob(t).test(page))) rule = `${id}.title`;
    }
    if (rule) matches.push({ window: w, platform: id, rule });
  }
  const lines = [`[[platform]]`, `id = "${id}"`, ...(r.name ? [`name = "${r.name}"`] : []), `category = "${r.category}"`];
  for (const [k, v] of [['apps', r.apps], ['titles', r.titles], ['urls', r.urls]] as const) {
    if (v.length) lines.push(`${k} = [${v.map((x) => JSON.stringify(x)).join(', ')}]`);
  }
  return { toml: lines.join('\n') + '\n', tried: windows.length, days, matches };
}

function emptyReport(r: Report): Report {
  const usage = { activeSeconds: 0, targetSeconds: 0, targets: [], categories: [] };
  return { ...r, days: r.days.map((d) => ({ date: d.date, ...usage })), total: usage };
}

function emptyMismatch(m: MismatchReport): MismatchReport {
  return { ...m, totalSeconds: 0, capturedSeconds: 0, mismatchIndex: null, regrettedSeconds: 0, ratedSeconds: 0, targets: [] };
}

/** The fixture report cut to the days asked for (the whole fixture if none fall inside,
 * so a fixed fixture still shows something for any range), with totals summed again. */
export function sliceReport(r: Report, from: string, to: string): Report {
  const days = r.days.filter((d) => d.date >= from && d.date <= to);
  if (days.length === 0 || days.length === r.days.length) return r;
  const targets = new Map<string, Report['total']['targets'][number]>();
  const categories = new Map<string, Report['total']['categories'][number]>();
  let active = 0;
  for (const d of days) {
    active += d.activeSeconds;
    for (const t of d.targets) {
      const x = targets.get(t.platform) ?? { ...t, seconds: 0, sessions: 0, checks: 0 };
      x.seconds += t.seconds; x.sessions += t.sessions; x.checks += t.checks;
      targets.set(t.platform, x);
    }
    for (const c of d.categories) {
      const x = categories.get(c.category) ?? { ...c, seconds: 0 };
      x.seconds += c.seconds;
      categories.set(c.category, x);
    }
  }
  const byTime = <T extends { seconds: number }>(a: T, b: T) => b.seconds - a.seconds;
  const ts = [...targets.values()].sort(byTime);
  return {
    ...r, from: days[0].date, to: days[days.length - 1].date, days,
    total: { activeSeconds: active, targetSeconds: ts.reduce((s, t) => s + t.seconds, 0), targets: ts, categories: [...categories.values()].sort(byTime) },
  };
}

/** What tests do to the mock from outside, as the shell's tracker would. */
export interface MockControl {
  /** The tracker recorded `seconds` on `platform` (a first run's first minutes): Today
   * shows them, and listeners of `onDataChanged` are told, as after a flush. */
  track(platform: string, seconds: number): void;
}

/** A first run's first tracked minutes: one platform in the empty fixture. */
function trackedToday(t: TodayView, platform: string, seconds: number, nowMs: number): TodayView {
  const usage = { platform, category: 'social' as const, seconds, sessions: 1, checks: 0 };
  const total = { ...t.report.total, activeSeconds: seconds, targetSeconds: seconds, targets: [usage] };
  return {
    ...t,
    report: { ...t.report, total, days: t.report.days.map((d) => (d.date === t.date ? { ...d, ...total } : d)) },
    timeline: [{ startMs: nowMs - seconds * 1000, endMs: nowMs, platform }],
    current: { platform, startMs: nowMs - seconds * 1000, seconds },
    recordedSinceMs: nowMs - seconds * 1000,
  };
}

/** An in-memory backend over fixtures: reads return copies, goal edits change its state. */
export function mockBackend(fixtures: Fixtures, options: MockOptions = {}): Backend & MockControl & { calls: string[] } {
  let empty = options.empty ?? false;
  let demo = false;
  let tracked: { platform: string; seconds: number; at: number } | null = null;
  const listeners = new Set<() => void>();
  const changed = () => { for (const l of [...listeners]) l(); };
  let goals = clone(fixtures.goals);
  let settings = clone(fixtures.settings);
  let tracking = clone(options.noSensor ? fixtures.tracking_no_sensor : fixtures.tracking);
  let autostart = false;
  const savedRules: string[] = [];
  // A saved rule is in the rules file: the same id again clashes, as in the core.
  const savedClash = (rule: RuleDraft): IpcError | null =>
    savedRules.includes(rule.id.trim())
      ? { code: 'rules', message: `the rules file rules.toml is not valid: platform '${rule.id}' (line 1) repeats the id of the platform on line 1; merge the two or rename one. Fix it, or move it away to use the built-in rules` }
      : null;
  const calls: string[] = [];
  const read = async <T>(name: string, value: () => T): Promise<T> => {
    calls.push(name);
    if (options.failWith) throw clone(options.failWith);
    return clone(value());
  };
  const find = (id: GoalId): Goal => {
    const g = goals.find((x) => x.id === id);
    if (!g) throw { code: 'notFound', message: `there is no goal ${id}` } satisfies IpcError;
    return g;
  };
  const location: DataLocation = { dataDir: '/home/you/.local/share/mast', configDir: '/home/you/.config/mast', db: '/home/you/.local/share/mast/mast.db' };

  return {
    calls,
    track(platform, seconds) {
      tracked = { platform, seconds: (tracked?.platform === platform ? tracked.seconds : 0) + seconds, at: Date.now() };
      changed();
    },
    onDataChanged: async (listener) => {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    ...familyMock(options.familyReplaced ? fixtures.family_replaced : fixtures.family, fixtures.family_preview, {
      inFamily: !(options.noFamily || options.empty), calls, failWith: options.failWith,
    }),
    todayView: () => read('today_view', () => {
      const t = fixtures.today_view;
      if (!empty || demo) return t;
      const none = { ...t, report: emptyReport(t.report), mismatch: emptyMismatch(t.mismatch), timeline: [], current: null, recordedSinceMs: null };
      return tracked ? trackedToday(none, tracked.platform, tracked.seconds, tracked.at) : none;
    }),
    mismatch: (period) => read('mismatch', () => {
      const m = fixtures[`mismatch-${period}`];
      return empty && !demo ? emptyMismatch(m) : m;
    }),
    report: (from, to) => {
      if (from > to) return Promise.reject(invalid(`from ${from} is after to ${to}; swap them`));
      return read('report', () => sliceReport(empty && !demo ? emptyReport(fixtures.report) : fixtures.report, from, to));
    },
    goals: () => read('goals', () => goals),
    addGoal: async (goal) => {
      calls.push('add_goal');
      const err = validateNewGoal(goal);
      if (err) throw err;
      const g = { ...clone(goal), id: Math.max(0, ...goals.map((x) => x.id)) + 1, paused: false } as Goal;
      goals = [...goals, g];
      return clone(g);
    },
    editGoal: async (id, goal) => {
      calls.push('edit_goal');
      const old = find(id);
      const err = validateNewGoal(goal);
      if (err) throw err;
      const g = { ...clone(goal), id, paused: old.paused } as Goal;
      goals = goals.map((x) => (x.id === id ? g : x));
      return clone(g);
    },
    removeGoal: async (id) => {
      calls.push('remove_goal');
      find(id);
      goals = goals.filter((x) => x.id !== id);
    },
    setGoalPaused: async (id, paused) => {
      calls.push('set_goal_paused');
      const g = { ...find(id), paused };
      goals = goals.map((x) => (x.id === id ? g : x));
      return clone(g);
    },
    settings: () => read('settings', () => settings),
    saveSettings: async (s) => {
      calls.push('save_settings');
      if (!Number.isInteger(s.day_start_hour) || s.day_start_hour < 0 || s.day_start_hour > 23)
        throw invalid('day_start_hour is an hour of the day, 0 to 23');
      if (s.afk_threshold_secs < 10) throw invalid('afk_threshold_secs must be at least 10 seconds');
      if (s.quiet_hours !== null && !/^\d\d:\d\d-\d\d:\d\d$/.test(s.quiet_hours))
        throw invalid('quiet_hours is a window of local times like 22:00-08:00');
      settings = clone(s);
      return clone(settings);
    },
    autostart: () => read('autostart', () => autostart),
    setAutostart: async (enabled) => {
      calls.push('set_autostart');
      autostart = enabled;
      return enabled;
    },
    rate: async () => {
      calls.push('rate');
    },
    tracking: () => read('tracking', () => tracking),
    pauseTracking: async (req) => {
      calls.push('pause_tracking');
      const until = 'minutes' in req ? Date.now() + req.minutes * 60_000 : nextDayStart(Date.now(), settings.day_start_hour);
      tracking = { ...tracking, mode: 'paused', pausedUntilMs: until };
      changed();
      return clone(tracking);
    },
    resumeTracking: async () => {
      calls.push('resume_tracking');
      tracking = { ...tracking, mode: 'tracking', pausedUntilMs: null };
      changed();
      return clone(tracking);
    },
    // The demo is a mode beside the user's own data: on and off at any time.
    loadDemo: async () => {
      calls.push('load_demo');
      demo = true;
      tracking = { ...tracking, demo: true };
      changed();
    },
    showOwnData: async () => {
      calls.push('show_own_data');
      demo = false;
      tracking = { ...tracking, demo: false };
      changed();
    },
    dataLocation: () => read('data_location', () => location),
    platformChoices: () => read('platform_choices', () => (empty ? fixtures.platform_choices.map((c) => ({ ...c, recentSeconds: 0 })) : fixtures.platform_choices)),
    setupGnome: async () => {
      calls.push('setup_gnome');
      return {
        uuid: 'mast@mast.app', path: '/home/you/.local/share/gnome-shell/extensions/mast@mast.app', shellVersion: '46.0',
        flavour: 'esm', updated: false, enabled: true, enableProblem: null,
        nextStep: 'Log out and back in: GNOME on Wayland loads a new extension only at the next login.',
      } satisfies SetupReport;
    },
    viewPainted: async () => {
      calls.push('view_painted');
    },
    tryRule: async (rule) => {
      calls.push('try_rule');
      const err = validateRuleDraft(rule) ?? savedClash(rule);
      if (err) throw err;
      return trialOf(rule, empty ? [] : fixtures.recent_windows);
    },
    saveRule: async (rule) => {
      calls.push('save_rule');
      const err = validateRuleDraft(rule);
      if (err) throw err;
      const clash = savedClash(rule);
      if (clash) throw clash;
      savedRules.push(rule.id.trim());
    },
    previewRule: async (app, title) => {
      calls.push('preview_rule');
      const hit = ['instagram', 'youtube', 'reddit', 'tiktok', 'facebook'].find((p) => `${app} ${title}`.toLowerCase().includes(p));
      return {
        verdict: { platform: hit ?? null, category: hit ? (hit === 'youtube' ? 'video' : 'social') : null, rule: hit ? `${hit}.title` : null, private: false, browser: null },
        steps: hit ? [`the title mentions ${hit}`] : ['no rule matched'],
      };
    },
  };
}
