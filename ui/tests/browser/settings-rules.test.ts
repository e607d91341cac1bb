// The rule editor in Settings, in the built UI under chromium with the fixture-mocked
// backend: a rule typed in shows the recent windows (tests/fixtures/recent_windows.json, as
// the core's `Store::recent_windows` returns them for the demo) that it would match, an
// empty state when none do, the core's message for an invalid rule, and saving. Also the
// tracking badge's "Pause until tomorrow".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { SHOTS, duration, fixture, start, type Harness } from './harness';
import type { PlatformChoice, RecentWindow, Settings, TrackingState } from '../../src/lib/ipc/types';

let h: Harness;
beforeAll(async () => { h = await start(); });
afterAll(async () => {
  await h?.close();
});

const windows = fixture<RecentWindow[]>('recent_windows');
const settings = fixture<Settings>('settings');

async function settingsPage(): Promise<Page> {
  const page = await h.page({ hash: '#/settings' });
  await page.locator('main[data-view="settings"]').waitFor();
  await page.getByTestId('rule-draft-form').waitFor();
  return page;
}

describe('rule editor', () => {
  it('shows the recent windows an app rule would match, most time first', async () => {
    const app = windows.find((w) => w.platform === null)!;
    const expected = windows.filter((w) => [w.app.toLowerCase(), (w.exe ?? '').toLowerCase()].includes(app.app.toLowerCase()));
    const page = await settingsPage();
    await page.getByTestId('rule-draft-name').fill('Work Tool');
    await page.getByTestId('rule-draft-apps').fill(app.app);
    const rows = page.locator('[data-testid="rule-draft-matches"] tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(expected.length);
    const first = await rows.first().textContent();
    expect(first).toContain(app.app);
    expect(first).toContain(duration(expected[0].seconds));
    expect(first).toContain('work-tool.app');
    if (expected[0].title === null) expect(first).toContain('title not kept');
    expect(await page.getByTestId('rule-draft-summary').textContent()).toContain(`${expected.length} of the ${windows.length} windows`);
    await page.screenshot({ path: join(SHOTS, 'settings-rule-editor.png'), fullPage: true });
    expect(h.errors).toEqual([]);
  });

  it('matches page titles of browser windows and says what they count toward now', async () => {
    const yt = windows.filter((w) => w.title?.endsWith(' - YouTube - Google Chrome'));
    expect(yt.length).toBeGreaterThan(0);
    const page = await settingsPage();
    await page.getByTestId('rule-draft-name').fill('Tube');
    await page.getByTestId('rule-draft-category').selectOption('video');
    await page.getByTestId('rule-draft-titles').fill('* - YouTube');
    const rows = page.locator('[data-testid="rule-draft-matches"] tbody tr');
    await page.getByTestId('rule-draft-summary').filter({ hasText: `${yt.length} of the` }).waitFor();
    expect(await rows.count()).toBe(yt.length);
    expect(await rows.first().textContent()).toContain(yt[0].title!);
    expect(await rows.first().textContent()).toContain('YouTube');
  });

  it('shows an empty state when nothing matches, and the core\'s message for an invalid rule', async () => {
    const page = await settingsPage();
    await page.getByTestId('rule-draft-name').fill('Nowhere');
    await page.getByTestId('rule-draft-titles').fill('* - A Site Nobody Visited');
    await page.getByTestId('rule-draft-empty').waitFor();
    expect(await page.locator('[data-testid="rule-draft-matches"]').count()).toBe(0);

    await page.getByTestId('rule-draft-titles').fill('');
    await page.getByTestId('rule-draft-error').waitFor();
    expect(await page.getByTestId('rule-draft-error').textContent()).toContain('has no apps, titles or urls');
    expect(await page.getByTestId('rule-draft-save').isDisabled()).toBe(true);

    await page.getByTestId('rule-draft-id').fill('Not An Id');
    await page.getByTestId('rule-draft-titles').fill('* - Site');
    await page.getByTestId('rule-draft-error').filter({ hasText: 'lowercase' }).waitFor();
  });

  it('saves a rule and clears the form; the same id again is refused', async () => {
    const page = await settingsPage();
    await page.getByTestId('rule-draft-name').fill('Lemmy');
    await page.getByTestId('rule-draft-urls').fill('lemmy.world');
    await page.getByTestId('rule-draft-summary').waitFor();
    await page.getByTestId('rule-draft-save').click();
    await page.getByTestId('rule-draft-saved').filter({ hasText: 'Saved' }).waitFor();
    // The form is cleared for the next rule; the same id again clashes with the saved one.
    expect(await page.getByTestId('rule-draft-name').inputValue()).toBe('');
    await page.getByTestId('rule-draft-name').fill('Lemmy');
    await page.getByTestId('rule-draft-urls').fill('lemmy.ml');
    await page.getByTestId('rule-draft-error').filter({ hasText: 'repeats the id' }).waitFor();
    expect(await page.getByTestId('rule-draft-save').isDisabled()).toBe(true);
    expect(h.errors).toEqual([]);
  });
});

describe('tracking badge', () => {
  it('pauses until the next day starts, and resumes', async () => {
    const page = await h.page({ hash: '#/today' });
    const badge = page.getByTestId('tracking');
    await badge.getByTestId('pause-until-tomorrow').click();
    const hh = String(settings.day_start_hour).padStart(2, '0');
    await badge.filter({ hasText: `Paused until ${hh}:00` }).waitFor();
    await badge.getByTestId('resume-tracking').click();
    await badge.getByTestId('pause-until-tomorrow').waitFor();
    expect(h.errors).toEqual([]);
  });
});

describe('desktop sensor', () => {
  const tracking = fixture<TrackingState>('tracking');
  const noSensor = fixture<TrackingState>('tracking_no_sensor');

  it('names the sensor in use in Settings, with the badge green', async () => {
    const page = await settingsPage();
    const line = page.getByTestId('sensor-in-use');
    await line.waitFor();
    expect(await line.textContent()).toContain(tracking.sensor!.summary!);
    expect(await page.getByTestId('tracking').locator('.on').count()).toBe(1);
    expect(await page.getByTestId('no-tray').count()).toBe(0);
    expect(await page.getByTestId('setup-gnome').count()).toBe(0); // no GNOME button off GNOME
    expect(await page.getByTestId('sensor-setting').inputValue()).toBe('auto');
    expect(h.errors).toEqual([]);
  });

  it('never shows a green badge over nothing: the problem and the fix, where the user looks first', async () => {
    const page = await h.page({ query: 'mock=fixtures&sensor=none', hash: '#/today' });
    const badge = page.getByTestId('tracking');
    await badge.getByTestId('not-recording').waitFor();
    expect(await badge.locator('.on').count()).toBe(0);
    expect(await badge.getByTestId('not-recording').textContent()).toContain(noSensor.sensor!.problem!.problem);
    expect(await badge.getByTestId('not-recording-fix').textContent()).toContain('mast setup gnome');
    await page.goto(page.url().replace('#/today', '#/settings'));
    await page.getByTestId('sensor-problem').waitFor();
    expect(await page.getByTestId('sensor-fix').textContent()).toContain(noSensor.sensor!.problem!.fix!);
    expect(await page.getByTestId('no-tray').textContent()).toContain('open Mast again from your app launcher');
    await page.getByTestId('setup-gnome').click();
    const done = page.getByTestId('gnome-setup-result');
    await done.waitFor();
    expect(await done.textContent()).toContain('next login');
    expect(h.errors).toEqual([]);
  });
});

describe('goal platform picker', () => {
  it('offers every platform, the most used lately first, from the core', async () => {
    const choices = fixture<PlatformChoice[]>('platform_choices');
    const page = await h.page({ hash: '#/goals' });
    await page.locator('main[data-view="goals"]').waitFor();
    await page.getByTestId('goal-new').click();
    const options = page.locator('[data-testid="goal-platform-choices"] option');
    await options.first().waitFor({ state: 'attached' });
    expect(await options.count()).toBe(choices.length);
    expect(await options.first().getAttribute('value')).toBe(choices[0].id);
    expect(await options.first().getAttribute('label')).toContain(choices[0].name);
    expect(h.errors).toEqual([]);
  });
});
