// The app, live: Today, the Now card and the tracking badge follow the backend's
// `onDataChanged` (the shell's `mast://data-changed` after each flush of the tracker), with
// no navigation; the demo is a mode switched on and off at any time, also after the first
// minutes were recorded. The mock backend plays the tracker (`window.__mastMock.track`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { SHOTS, duration, fixture, start, type Harness } from './harness';
import type { TodayView } from '../../src/lib/ipc/types';

let h: Harness;
beforeAll(async () => { h = await start(); });
afterAll(async () => {
  await h?.close();
});

const demoToday = fixture<TodayView>('today_view');

/** What the tracker does in the shell: records `seconds` on `platform` and says so. */
async function track(page: Page, platform: string, seconds: number) {
  await page.evaluate(([p, s]) => (window as unknown as { __mastMock: { track(p: string, s: number): void } }).__mastMock.track(p as string, s as number), [platform, seconds]);
}

/** A first run: the welcome shown, nothing recorded yet. */
async function firstRun(): Promise<Page> {
  const page = await h.page({ query: 'mock=empty', hash: '#/today' });
  await page.getByTestId('first-run').waitFor();
  return page;
}

describe('Today follows the tracker', () => {
  it('replaces the welcome with the first minutes, then keeps the Now card current, without navigation', async () => {
    const page = await firstRun();
    const url = page.url();
    await track(page, 'instagram', 90);
    // The welcome goes; the first minutes show, with the first day's offer of the demo.
    await page.getByTestId('first-run').waitFor({ state: 'detached', timeout: 2000 });
    expect(await page.getByTestId('today-total').textContent()).toBe(duration(90));
    expect(await page.getByTestId('current-session').textContent()).toContain(duration(90));
    await page.getByTestId('first-day').waitFor();
    // The next flush: the Now card and the total move by themselves.
    await track(page, 'instagram', 150);
    await page.getByTestId('today-total').filter({ hasText: duration(240) }).waitFor({ timeout: 2000 });
    expect(await page.getByTestId('current-session').textContent()).toContain(duration(240));
    // No loading state in between, and no navigation happened.
    expect(await page.getByTestId('loading-state').count()).toBe(0);
    expect(page.url()).toBe(url);
    await page.screenshot({ path: join(SHOTS, 'today-first-minutes-light.png'), fullPage: true });
    expect(h.errors).toEqual([]);
  });

  it('shows a pause in the badge when the tracker is paused elsewhere (the tray)', async () => {
    const page = await h.page({ hash: '#/today' });
    await page.getByTestId('pause-hour').waitFor();
    // The tray pauses through the shell, not through this page: the badge hears of it.
    await page.evaluate(async () => {
      const mock = (window as unknown as { __mastMock: { pauseTracking(r: { minutes: number }): Promise<unknown> } }).__mastMock;
      await mock.pauseTracking({ minutes: 30 });
    });
    const paused = page.getByTestId('paused');
    await paused.waitFor({ timeout: 2000 });
    expect(await paused.textContent()).toMatch(/^Paused until \d\d:\d\d$/);
    expect(await page.getByTestId('resume-tracking').count()).toBe(1);
    expect(await page.getByTestId('pause-hour').count()).toBe(0);
  });
});

describe('the demo is a mode', () => {
  it('loads after the first minutes were recorded, and the user goes back to their own data', async () => {
    const page = await firstRun();
    await track(page, 'youtube', 60);
    await page.getByTestId('first-day').waitFor();
    await page.getByTestId('load-demo').click();
    await page.getByTestId('demo-badge').waitFor();
    await page.getByTestId('today-total').filter({ hasText: duration(demoToday.report.total.targetSeconds) }).waitFor();
    expect(await page.getByTestId('first-day').count()).toBe(0);
    // Back to the user's own minutes, from the header.
    await page.getByTestId('show-own-data').click();
    await page.getByTestId('demo-badge').waitFor({ state: 'detached' });
    await page.getByTestId('today-total').filter({ hasText: duration(60) }).waitFor();
    // And on again from Settings.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-load-demo').click();
    await page.getByTestId('demo-badge').waitFor();
    await page.getByTestId('settings-show-own-data').waitFor();
    expect(h.errors).toEqual([]);
  });
});
