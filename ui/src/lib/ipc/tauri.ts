// The only file that calls `invoke`: one line per shell command, and the one event the
// shell sends (src-tauri/src/live.rs).
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { toIpcError, type Backend } from './backend';

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toIpcError(e);
  }
}

export const tauriBackend: Backend = {
  todayView: () => call('today_view'),
  mismatch: (period, date) => call('mismatch', { period, date: date ?? null }),
  report: (from, to) => call('report', { from, to }),
  goals: () => call('goals'),
  addGoal: (goal) => call('add_goal', { goal }),
  editGoal: (id, goal) => call('edit_goal', { id, goal }),
  removeGoal: (id) => call('remove_goal', { id }),
  setGoalPaused: (id, paused) => call('set_goal_paused', { id, paused }),
  settings: () => call('settings'),
  saveSettings: (settings) => call('save_settings', { settings }),
  autostart: () => call('autostart'),
  setAutostart: (enabled) => call('set_autostart', { enabled }),
  rate: (rating) => call('rate', { rating }),
  tracking: () => call('tracking'),
  pauseTracking: (request) => call('pause_tracking', request),
  resumeTracking: () => call('resume_tracking'),
  loadDemo: () => call('load_demo'),
  showOwnData: () => call('show_own_data'),
  onDataChanged: (listener) => listen('mast://data-changed', () => listener()),
  dataLocation: () => call('data_location'),
  setupGnome: () => call('setup_gnome'),
  platformChoices: () => call('platform_choices'),
  previewRule: (app, title) => call('preview_rule', { app, title }),
  tryRule: (rule) => call('try_rule', { rule }),
  saveRule: (rule) => call('save_rule', { rule }),
  viewPainted: () => call('view_painted'),
  familyStatus: () => call('family_status'),
  familyCreate: (setup) => call('family_create', { setup }),
  familyJoin: (setup) => call('family_join', { setup }),
  familySync: () => call('family_sync'),
  familyAct: (action) => call('family_act', { action }),
  familyPreview: () => call('family_preview'),
  familyLeave: () => call('family_leave'),
};
