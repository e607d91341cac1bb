import { describe, expect, it } from 'vitest';
import type { Settings } from '../ipc/types';
import { fromForm, parseList, toForm } from './settingsForm';

const settings: Settings = {
  poll_interval_ms: 1000, afk_threshold_secs: 180, day_start_hour: 4, title_policy: 'targets', exclude_apps: ['keepassxc'],
  session_gap_secs: 60, check_max_secs: 30, long_session_secs: 1200, quick_return_secs: 300, late_night: '23:00-05:00',
  notifications: true, quiet_hours: '22:00-08:00', rating_prompts_per_day: 2, region: 'europe', sensor: 'gnome',
};

describe('settings form', () => {
  it('round-trips settings unchanged', () => {
    expect(fromForm(settings, toForm(settings))).toEqual(settings);
  });
  it('applies edits and keeps fields the form does not show', () => {
    const f = { ...toForm(settings), dayStartHour: 5, afkMinutes: 5, excludeApps: 'slack, Signal\nslack,', quietOn: false };
    const s = fromForm(settings, f);
    expect(s).toMatchObject({ day_start_hour: 5, afk_threshold_secs: 300, exclude_apps: ['slack', 'Signal'], quiet_hours: null, late_night: '23:00-05:00', poll_interval_ms: 1000 });
  });
  it('reads lists without blanks or repeats', () => {
    expect(parseList(' a, ,b\nA ')).toEqual(['a', 'b']);
  });
});
