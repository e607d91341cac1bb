// The built UI in Debian's chromium, with the backend mocked from tests/fixtures: every
// view shows the fixtures' numbers, goals can be created (and a bad one is refused with
// the backend's message), the theme switches, and views are reachable by keyboard.
// Screenshots of each view in light and dark go to test-results/screenshots/.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { SHOTS, duration, fixture, index, start, type Harness } from './harness';
import type { Goal, MismatchReport, Report, TodayView } from '../../src/lib/ipc/types';
import { sliceReport } from '../../src/lib/ipc/mock';
import { trend } from '../../src/lib/trends/aggregate';

let h: Harness;
beforeAll(async () => { h = await start(); });
afterAll(async () => {
  await h?.close();
});

const today = fixture<TodayView>('today_view');
const week = fixture<MismatchReport>('mismatch-week');
const month = fixture<MismatchReport>('mismatch-month');
const goals = fixture<Goal[]>('goals');
const report = fixture<Report>('report');

async function ready(page: Page, view: string) {
  await page.locator(`main[data-view="${view}"]`).waitFor();
  await page.locator('[data-testid="loading-state"]').waitFor({ state: 'detached' });
}

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('views show the fixtures', () => {
  it('Today: totals, a bar per target, goal chips, timeline, current session', async () => {
    const page = await h.page({ hash: '#/today' });
    await ready(page, 'today');
    expect(await page.getByTestId('today-total').textContent()).toBe(duration(today.report.total.targetSeconds));
    const meters = page.locator('[role="meter"]');
    expect(await meters.count()).toBeGreaterThanOrEqual(today.mismatch.targets.length);
    const goalsShown = today.mismatch.targets.reduce((n, t) => n + t.goals.length, 0);
    expect(await page.locator('[data-testid="today-goals"] li').count()).toBe(goalsShown);
    expect(await page.locator('[data-testid="timeline"] rect').count()).toBe(today.timeline.length + 1);
    if (today.current) {
      expect(await page.getByTestId('current-session').textContent()).toContain(duration(today.current.seconds));
      await page.getByTestId('rate-current-not').click();
      await page.getByTestId('rate-current-message').filter({ hasText: 'not worth it' }).waitFor();
    }
    expect(h.errors).toEqual([]);
  });

  it('Mismatch: week figures, objective table, findings, attention disclosure, charts', async () => {
    const page = await h.page({ hash: '#/mismatch' });
    await ready(page, 'mismatch');
    expect(await page.getByTestId('captured').textContent()).toBe(duration(week.capturedSeconds));
    expect(await page.getByTestId('mismatch-index').textContent()).toBe(index(week.mismatchIndex));
    expect(await page.getByTestId('regretted').textContent()).toBe(duration(week.regrettedSeconds));
    // Prefer a target with goals and an attention estimate (regenerated fixtures may differ).
    const t = week.targets.find((x) => x.goals.length && x.attention && x.patterns) ?? week.targets.find((x) => x.goals.length)!;
    const section = page.getByTestId(`target-${t.target.id}`);
    const rows = section.locator('[data-testid="objective-table"] tbody tr');
    expect(await rows.count()).toBe(t.goals.length);
    expect(await rows.first().textContent()).toContain(t.goals[0].objective);
    expect(await rows.first().textContent()).toContain(t.goals[0].measured);
    for (const f of t.findings) expect(await section.textContent()).toContain(f.text);
    // The assumptions are one click away.
    if (t.attention) {
      const details = section.getByTestId('attention');
      expect(await details.locator('li').first().isVisible()).toBe(false);
      await details.locator('summary').click();
      expect(await details.textContent()).toContain(t.attention.assumptions[0]);
      expect(await details.locator('li').first().isVisible()).toBe(true);
    }
    // Charts: uPlot canvas, heatmap cells, session lengths with the cap marked.
    expect(await section.locator('[data-testid="daily-chart"] canvas').count()).toBeGreaterThan(0);
    if (t.patterns) {
      expect(await section.locator('[data-testid="heatmap"] rect').count()).toBe(7 * 24);
      expect(await section.getByTestId('session-lengths').getAttribute('aria-label')).toContain(duration(t.patterns.medianSessionSeconds));
      expect(await section.locator('[data-testid="session-lengths"] .cap').count()).toBe(1);
    }
    await shoot(page, 'mismatch-week-light');
    // Switching period asks for the month.
    await page.getByTestId('period-month').click();
    await page.getByTestId('captured').filter({ hasText: duration(month.capturedSeconds) }).waitFor();
    expect(await page.getByTestId('period-month').getAttribute('aria-pressed')).toBe('true');
    expect(h.errors).toEqual([]);
  });

  it('Goals: every fixture goal is listed', async () => {
    const page = await h.page({ hash: '#/goals' });
    await ready(page, 'goals');
    expect(await page.locator('[data-testid="goal-list"] > li').count()).toBe(goals.length);
  });

  it('Trends: weekly and monthly totals from the report', async () => {
    const page = await h.page({ hash: '#/trends' });
    await ready(page, 'trends');
    for (const grain of ['week', 'month'] as const) {
      await page.getByTestId(`grain-${grain}`).click();
      await page.locator('[data-testid="trends-table"] th', { hasText: grain === 'week' ? 'Week' : 'Month' }).waitFor();
      // The range the view asked for is on the page; the expected numbers come from the
      // fixture cut to that range, summed by the same rules.
      const summary = await page.getByTestId('trends-summary').textContent();
      const [, from, to] = /from (\d{4}-\d\d-\d\d) to (\d{4}-\d\d-\d\d)/.exec(summary!)!;
      const cut = sliceReport(report, from, to);
      expect(summary).toContain(duration(cut.total.targetSeconds));
      const buckets = trend(cut, grain).buckets;
      const rows = page.locator('[data-testid="trends-table"] tbody tr');
      expect(await rows.count()).toBe(buckets.length);
      expect(await rows.last().locator('td').first().textContent()).toBe(duration(buckets.at(-1)!.total));
    }
  });

  it('Settings: values from settings.json, data location, a saved change and a rating', async () => {
    const settings = fixture('settings');
    const page = await h.page({ hash: '#/settings' });
    await ready(page, 'settings');
    await page.getByTestId('settings-form').waitFor();
    expect(await page.getByTestId('day-start').inputValue()).toBe(String(settings.day_start_hour));
    expect(await page.getByTestId('title-policy').inputValue()).toBe(settings.title_policy);
    expect(await page.getByTestId('exclude-apps').inputValue()).toBe(settings.exclude_apps.join(', '));
    expect(await page.getByTestId('region').inputValue()).toBe(settings.region);
    await page.getByTestId('data-location').waitFor();
    await page.getByTestId('day-start').selectOption('5');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-message').filter({ hasText: 'Settings saved.' }).waitFor();
    await page.getByTestId('quiet-from').fill('late');
    await page.getByTestId('settings-save').click();
    expect(await page.getByTestId('settings-error').textContent()).toContain('quiet_hours');
    await page.getByTestId('rule-app').fill('firefox');
    await page.getByTestId('rule-title').fill('Instagram — Mozilla Firefox');
    await page.getByTestId('rule-form').getByRole('button', { name: 'Check' }).click();
    expect(await page.getByTestId('rule-preview').textContent()).toContain('Instagram');
    await page.getByTestId('rate-not-worth').click();
    await page.getByTestId('rate-message').filter({ hasText: 'not worth it' }).waitFor();
  });

  it('first run: explains Mast and loads demo data', async () => {
    const page = await h.page({ query: 'mock=empty', hash: '#/today' });
    await ready(page, 'today');
    const first = page.getByTestId('first-run');
    expect(await first.textContent()).toContain('Tracking has started');
    await shoot(page, 'first-run-light');
    await page.getByTestId('load-demo').click();
    await page.getByTestId('today-total').waitFor();
    expect(await page.getByTestId('today-total').textContent()).toBe(duration(today.report.total.targetSeconds));
    // The badge says the demo is shown, as information, not as an error.
    const badge = page.getByTestId('demo-badge');
    await badge.waitFor();
    expect(await page.getByTestId('tracking').locator('.error').count()).toBe(0);
  });
});

describe('error state', () => {
  it("shows the backend's message and a retry button when a read fails", async () => {
    const page = await h.page({ query: 'mock=error', hash: '#/mismatch' });
    const error = page.getByTestId('error-state');
    await error.waitFor();
    expect(await error.textContent()).toContain('The database is locked by another program');
    expect(await error.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await shoot(page, 'error-state-light');
  });
});

describe('goal creation', () => {
  it('shows the backend validation message for a 25:00 downtime, then creates a valid goal', async () => {
    const page = await h.page({ hash: '#/goals' });
    await ready(page, 'goals');
    await page.getByTestId('goal-new').click();
    await page.getByTestId('goal-platform').fill('tiktok');
    await page.getByTestId('goal-kind').selectOption('downtime');
    await page.getByTestId('goal-start').fill('25:00');
    await page.getByTestId('goal-end').fill('07:00');
    await page.getByTestId('goal-save').click();
    const error = page.getByTestId('goal-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('a downtime window runs between times of day from 00:00 to 23:59');
    await shoot(page, 'goals-validation-error-light');
    // The form keeps what was typed; fix it and save.
    await page.getByTestId('goal-start').fill('23:00');
    await page.getByTestId('goal-save').click();
    await page.getByTestId('goals-message').filter({ hasText: 'Added' }).waitFor();
    expect(await page.getByTestId('goal-form').count()).toBe(0);
    const list = page.locator('[data-testid="goal-list"] > li');
    await expect.poll(() => list.count()).toBe(goals.length + 1);
    expect(await list.last().textContent()).toContain('no use 23:00–07:00');
    expect(await list.last().textContent()).toContain('TikTok');
  });

  it('creates a goal of every other kind, and pauses one', async () => {
    const page = await h.page({ hash: '#/goals' });
    await ready(page, 'goals');
    const kinds: [string, string, string, string][] = [
      ['dailyLimit', 'goal-limit', '45 min', 'at most 45 min a day'],
      ['weeklyLimit', 'goal-limit', '5 h', 'at most 5 h a week'],
      ['sessionCap', 'goal-cap', '20', 'sessions under 20 min'],
      ['checksCap', 'goal-checks', '12', 'at most 12 checks a day'],
      ['intent', 'goal-purpose', 'to message family', '“to message family”'],
    ];
    let n = goals.length;
    for (const [kind, field, value, shown] of kinds) {
      await page.getByTestId('goal-new').click();
      await page.getByTestId('goal-platform').fill('reddit');
      await page.getByTestId('goal-kind').selectOption(kind);
      await page.getByTestId(field).fill(value);
      await page.getByTestId('goal-save').click();
      n += 1;
      await expect.poll(() => page.locator('[data-testid="goal-list"] > li').count()).toBe(n);
      expect(await page.locator('[data-testid="goal-list"] > li').last().textContent()).toContain(shown);
    }
    const id = goals[0].id;
    await page.getByTestId(`goal-pause-${id}`).click();
    await page.getByTestId(`goal-pause-${id}`).filter({ hasText: 'Resume' }).waitFor();
  });

  it('edits a goal, keeping the core message on a bad edit, and deletes one', async () => {
    const page = await h.page({ hash: '#/goals' });
    await ready(page, 'goals');
    const g = goals.find((x) => x.kind === 'dailyLimit')!;
    const item = page.getByTestId(`goal-${g.id}`);
    await item.getByRole('button', { name: /^Edit/ }).click();
    await item.getByTestId('goal-limit').fill('0');
    await item.getByTestId('goal-save').click();
    expect(await item.getByTestId('goal-error').textContent()).toContain('more than zero');
    await item.getByTestId('goal-limit').fill('1 h 15 min');
    await item.getByTestId('goal-save').click();
    await item.filter({ hasText: 'at most 1 h 15 min a day' }).waitFor();
    page.on('dialog', (d) => d.accept());
    const before = await page.locator('[data-testid="goal-list"] > li').count();
    await page.getByTestId(`goal-delete-${g.id}`).click();
    await expect.poll(() => page.locator('[data-testid="goal-list"] > li').count()).toBe(before - 1);
  });
});

describe('theme and keyboard', () => {
  it('follows the system and switches by hand', async () => {
    const page = await h.page({ colorScheme: 'dark', hash: '#/today' });
    await ready(page, 'today');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const dark = await bg();
    await page.getByTestId('theme-select').selectOption('light');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    const light = await bg();
    expect(light).not.toBe(dark);
    await page.getByTestId('theme-select').selectOption('dark');
    expect(await bg()).toBe(dark);
    // The pick survives a reload.
    await page.reload();
    await ready(page, 'today');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });

  it('moves between views with Tab, arrow keys, Home/End and Alt+digit, with visible focus', async () => {
    const page = await h.page({ hash: '#/today' });
    await ready(page, 'today');
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Tab'); // the selected tab
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-today');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    await page.keyboard.press('ArrowRight');
    await ready(page, 'mismatch');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('nav-mismatch');
    await page.keyboard.press('End');
    await ready(page, 'family');
    await page.keyboard.press('ArrowRight');
    await ready(page, 'today');
    await page.keyboard.press('Alt+3');
    await ready(page, 'goals');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(new URL(page.url()).hash).toBe('#/goals');
  });

  it('stays usable at 200 % zoom (no horizontal scrolling of any view)', async () => {
    const page = await h.page({ hash: '#/today' });
    await page.setViewportSize({ width: 550, height: 800 }); // a 1100 px window at 200 %
    for (const view of ['today', 'mismatch', 'goals', 'trends', 'settings', 'family']) {
      await page.getByTestId(`nav-${view}`).click();
      await ready(page, view);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, view).toBeLessThanOrEqual(1);
      await shoot(page, `${view}-zoom200`);
    }
  });
});

describe('screenshots', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`every view in ${scheme}`, async () => {
      const page = await h.page({ colorScheme: scheme, hash: '#/today' });
      for (const view of ['today', 'mismatch', 'goals', 'trends', 'settings', 'family']) {
        await page.getByTestId(`nav-${view}`).click();
        await ready(page, view);
        await page.waitForTimeout(150);
        await shoot(page, `${view}-${scheme}`);
      }
    });
  }

  it('loaded nothing from outside 127.0.0.1 and logged no errors', () => {
    expect(h.external).toEqual([]);
    expect(h.errors).toEqual([]);
  });
});
