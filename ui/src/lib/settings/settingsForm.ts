// Settings as the form edits them: lists as text, quiet hours as on/off plus a window.
import type { Settings } from '../ipc/types';

export const REGIONS = [
  { id: 'us-canada', label: 'US & Canada' },
  { id: 'europe', label: 'Europe' },
  { id: 'asia-pacific', label: 'Asia-Pacific' },
  { id: 'rest-of-world', label: 'Rest of world' },
  { id: 'worldwide', label: 'Worldwide' },
];

/** "slack, KeePassXC\nsignal" → ["slack", "KeePassXC", "signal"] (trimmed, no blanks, no repeats). */
export function parseList(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(/[,\n]/)) {
    const t = part.trim();
    if (t && !out.some((x) => x.toLowerCase() === t.toLowerCase())) out.push(t);
  }
  return out;
}

export interface SettingsForm {
  dayStartHour: number;
  afkMinutes: number;
  titlePolicy: Settings['title_policy'];
  excludeApps: string;
  notifications: boolean;
  quietOn: boolean;
  quietFrom: string;
  quietTo: string;
  region: string;
  sensor: Settings['sensor'];
}

export function toForm(s: Settings): SettingsForm {
  const [from, to] = (s.quiet_hours ?? '22:00-08:00').split('-');
  return {
    dayStartHour: s.day_start_hour,
    afkMinutes: Math.round((s.afk_threshold_secs / 60) * 10) / 10,
    titlePolicy: s.title_policy,
    excludeApps: s.exclude_apps.join(', '),
    notifications: s.notifications,
    quietOn: s.quiet_hours !== null,
    quietFrom: from ?? '22:00',
    quietTo: to ?? '08:00',
    region: s.region,
    sensor: s.sensor,
  };
}

/** The settings to save: the loaded ones with the form's fields applied (fields the form
 * doesn't show are kept as they were). */
export function fromForm(base: Settings, f: SettingsForm): Settings {
  return {
    ...base,
    day_start_hour: Number(f.dayStartHour),
    afk_threshold_secs: Math.round(Number(f.afkMinutes) * 60),
    title_policy: f.titlePolicy,
    exclude_apps: parseList(f.excludeApps),
    notifications: f.notifications,
    quiet_hours: f.quietOn ? `${f.quietFrom.trim()}-${f.quietTo.trim()}` : null,
    region: f.region,
    sensor: f.sensor,
  };
}
