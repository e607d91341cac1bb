// The Family view in the built UI under chromium, with the fixture-mocked backend (the
// family in tests/fixtures/family.json, hand-written until the core generates it): a device
// in no family creates one (a mismatched passphrase refused before anything is sent), adds
// a shared goal and leaves; in the fixture family an organiser accepts a proposal, reads
// the week's adherence and what the device shares; a member who joins proposes a goal; the
// core's refusals and a failed read are shown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { SHOTS, fixture, start, type Harness } from './harness';
import type { FamilyStatus, SharePreview } from '../../src/lib/ipc/types';
import { MARK, keptText } from '../../src/lib/family/family';

let h: Harness;
beforeAll(async () => { h = await start(); });
afterAll(async () => {
  await h?.close();
});

const family = fixture<FamilyStatus>('family');
const preview = fixture<SharePreview>('family_preview');

async function ready(page: Page) {
  await page.locator('main[data-view="family"]').waitFor();
  await page.locator('[data-testid="loading-state"]').waitFor({ state: 'detached' });
}

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

describe('not in a family', () => {
  it('creates a family (a mismatched passphrase is refused here), adds a shared goal, and leaves', async () => {
    const page = await h.page({ query: 'mock=fixtures&family=none', hash: '#/family' });
    await ready(page);
    expect(await page.getByTestId('family-intro').textContent()).toContain('Mast runs no server');
    expect(await page.getByTestId('family-join').count()).toBe(1);
    await shoot(page, 'family-setup-light');

    const form = page.getByTestId('family-create');
    await form.getByTestId('create-folder').fill('/home/you/Sync/home-family');
    await form.getByTestId('create-name').fill('Home');
    await form.getByTestId('create-member').fill('parent');
    await form.getByTestId('create-passphrase').fill('three long words');
    await form.getByTestId('create-confirm').fill('three long word');
    await form.getByTestId('create-submit').click();
    expect(await form.getByTestId('create-error').textContent()).toContain('The two passphrases differ');
    expect(await form.getByTestId('create-confirm').getAttribute('aria-invalid')).toBe('true');
    await form.getByTestId('create-confirm').fill('three long words');
    await form.getByTestId('create-submit').click();

    await page.getByTestId('family-name').filter({ hasText: 'Home' }).waitFor();
    expect(await page.getByTestId('family-message').textContent()).toContain('Created the family');
    expect(await page.getByTestId('family-folder').textContent()).toBe('/home/you/Sync/home-family');
    const me = page.getByTestId('member-parent');
    for (const b of ['creator', 'organiser', 'this device']) expect(await me.textContent()).toContain(b);
    await page.getByTestId('family-goals-empty').waitFor();

    // Add a shared goal with the goal form's fields.
    await page.getByTestId('shared-goal-new').click();
    const add = page.getByTestId('shared-add');
    await add.getByTestId('goal-platform').fill('instagram');
    await add.getByTestId('goal-limit').fill('45 min');
    await add.getByTestId('shared-add-save').click();
    const goal = page.locator('[data-testid="family-goals"] li', { hasText: 'instagram: at most 45 min a day' });
    await goal.waitFor();
    expect(await goal.textContent()).toContain('for everyone');
    expect(await goal.getByTestId('applies-to-me').count()).toBe(1);
    // This device's row appears in the week, and its share preview follows the goal.
    await page.locator('[data-testid="adherence-table"] tbody tr', { hasText: 'instagram: at most 45 min a day' }).waitFor();
    await page.getByTestId('preview-summary').filter({ hasText: 'Instagram' }).waitFor();
    await shoot(page, 'family-created-light');

    // Leave, with a confirm step.
    await page.getByTestId('leave').click();
    await page.getByTestId('leave-cancel').click();
    expect(await page.getByTestId('family-name').count()).toBe(1);
    await page.getByTestId('leave').click();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('leave-confirm');
    await page.getByTestId('leave-confirm').click();
    await page.getByTestId('family-create').waitFor();
    expect(await page.getByTestId('family-message').textContent()).toContain('You left the family');
    expect(await page.getByTestId('family-name').count()).toBe(0);
    expect(h.errors).toEqual([]);
  });

  it("shows the core's message when it refuses to join, then joins and proposes a goal", async () => {
    const page = await h.page({ query: 'mock=fixtures&family=none', hash: '#/family' });
    await ready(page);
    const form = page.getByTestId('family-join');
    await form.getByTestId('join-folder').fill('/home/you/Sync/elsewhere');
    await form.getByTestId('join-member').fill('teen');
    await form.getByTestId('join-passphrase').fill('short');
    await form.getByTestId('join-submit').click();
    expect(await form.getByTestId('join-error').textContent()).toContain('at least 8 characters');
    await form.getByTestId('join-passphrase').fill('three long words');
    await form.getByTestId('join-submit').click();
    await form.getByTestId('join-error').filter({ hasText: 'holds no family' }).waitFor();
    await shoot(page, 'family-join-error-light');
    await form.getByTestId('join-folder').fill(family.folder);
    await form.getByTestId('join-submit').click();
    await page.getByTestId('family-name').filter({ hasText: family.name }).waitFor();

    // Not an organiser: no Edit/Remove, no Accept, but a proposal form.
    expect(await page.locator('[data-testid^="shared-goal-edit-"]').count()).toBe(0);
    expect(await page.locator('[data-testid^="proposal-accept-"]').count()).toBe(0);
    expect(await page.locator('[data-testid^="organiser-"]').count()).toBe(0);
    await page.getByTestId('propose-new').click();
    const propose = page.getByTestId('propose');
    await propose.getByTestId('goal-platform').fill('reddit');
    await propose.getByTestId('goal-kind').selectOption('checksCap');
    await propose.getByTestId('goal-checks').fill('5');
    await propose.getByTestId('propose-chosen').check();
    await propose.getByTestId('propose-save').click();
    expect(await propose.getByTestId('propose-error').textContent()).toContain('Choose at least one member');
    await propose.getByTestId('propose-member-teen').check();
    await propose.getByTestId('propose-save').click();
    const mine = page.locator('[data-testid^="proposal-p-"]', { hasText: 'reddit: at most 5 sessions a day' });
    await mine.waitFor();
    expect(await mine.textContent()).toContain('for teen');
    expect(await mine.textContent()).toContain('proposed by teen');
    expect(h.errors).toEqual([]);
  });
});

describe('in the fixture family', () => {
  it('shows members, goals, problems, the week with a mark per day, and accepts a proposal', async () => {
    const page = await h.page({ hash: '#/family' });
    await ready(page);
    await page.getByTestId('family-name').filter({ hasText: family.name }).waitFor();
    for (const m of family.members) await page.getByTestId(`member-${m.name}`).waitFor();
    for (const g of family.goals) {
      const item = page.getByTestId(`shared-goal-${g.id}`);
      expect(await item.textContent()).toContain(g.objective);
      expect(await item.getByTestId('applies-to-me').count()).toBe(g.appliesToMe ? 1 : 0);
    }
    for (const p of family.problems) expect(await page.getByTestId('family-problems').textContent()).toContain(p.message);

    // The week: a row per member and goal, seven marks each, with words for every mark.
    const table = page.getByTestId('adherence-table');
    expect(await table.locator('tbody tr').count()).toBe(family.week.rows.length);
    for (const r of family.week.rows) {
      const row = page.getByTestId(`adherence-${r.member}-${r.goal}`);
      const cells = row.locator('td[data-status]');
      expect(await cells.count()).toBe(7);
      for (let i = 0; i < 7; i++) {
        expect(await cells.nth(i).getAttribute('data-status')).toBe(r.days[i].status);
        expect(await cells.nth(i).textContent()).toContain(MARK[r.days[i].status].label);
      }
      expect(await row.getByTestId('kept').textContent()).toBe(keptText(r));
    }
    await shoot(page, 'family-light');

    // Accept the pending proposal: it becomes a shared goal.
    const p = family.proposals.find((x) => x.status === 'pending')!;
    await page.getByTestId(`proposal-accept-${p.id}`).click();
    await page.getByTestId(`shared-goal-g-${p.id.slice(2)}`).waitFor();
    expect(await page.getByTestId(`proposal-${p.id}`).count()).toBe(0);
    expect(await page.getByTestId('family-message').textContent()).toContain(`Accepted ${p.proposedBy}`);
    await page.getByTestId('proposals-empty').waitFor();

    // The creator chooses organisers.
    await page.getByTestId('organiser-teen').click();
    await page.getByTestId('member-teen').locator('[data-badge="organiser"]').waitFor();
    expect(await page.getByTestId('organiser-teen').textContent()).toBe('Remove organiser');

    // Sync now updates the last read time.
    await page.getByTestId('family-sync').click();
    await page.getByTestId('family-synced').filter({ hasText: 'just now' }).waitFor();
    expect(h.errors).toEqual([]);
  });

  it('edits a shared goal, keeping the core\'s message on a bad edit, and removes one', async () => {
    const page = await h.page({ hash: '#/family' });
    await ready(page);
    const g = family.goals.find((x) => x.goal.kind === 'dailyLimit')!;
    const item = page.getByTestId(`shared-goal-${g.id}`);
    await item.getByRole('button', { name: /^Edit/ }).click();
    const form = item.getByTestId(`shared-edit-${g.id}`);
    await form.getByTestId('goal-limit').fill('0');
    await form.getByTestId(`shared-edit-${g.id}-save`).click();
    expect(await form.getByTestId(`shared-edit-${g.id}-error`).textContent()).toContain('more than zero');
    await form.getByTestId('goal-limit').fill('1 h 30 min');
    await form.getByTestId(`shared-edit-${g.id}-save`).click();
    await item.filter({ hasText: 'instagram: at most 1 h 30 min a day' }).waitFor();
    await item.getByRole('button', { name: /^Remove/ }).click();
    await item.waitFor({ state: 'detached' });
  });

  it('shows what this device shares and what it never shares', async () => {
    const page = await h.page({ hash: '#/family' });
    await ready(page);
    const panel = page.getByTestId('family-preview');
    await panel.getByTestId('preview-summary').waitFor();
    expect(await panel.getByTestId('preview-summary').textContent()).toContain(`last ${preview.adherence.days.length} days`);
    for (const n of preview.neverShared) expect(await panel.getByTestId('never-shared').textContent()).toContain(n);
    await panel.locator('summary').click();
    const rows = panel.locator('[data-testid="preview-days"] tbody tr');
    expect(await rows.count()).toBe(preview.adherence.days.length);
    // Newest first, with the goal's mark in words.
    expect(await rows.first().textContent()).toContain('Wed 25 Nov');
    const newest = preview.adherence.days[preview.adherence.days.length - 1];
    const words: Record<string, string> = { kept: 'kept', atRisk: 'at risk', broken: 'broken' };
    expect(await rows.first().textContent()).toContain(words[newest.goals['g-000000a0']!.status]);
    expect(await rows.first().textContent()).toContain('instagram: at most 30 min a day');
    await shoot(page, 'family-preview-light');
  });

  it('keeps working by keyboard: Alt+6 opens Family', async () => {
    const page = await h.page({ hash: '#/today' });
    await page.locator('main[data-view="today"]').waitFor();
    await page.keyboard.press('Alt+6');
    await ready(page);
    expect(new URL(page.url()).hash).toBe('#/family');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('dark theme', async () => {
    const page = await h.page({ colorScheme: 'dark', hash: '#/family' });
    await ready(page);
    await page.getByTestId('preview-summary').waitFor();
    await shoot(page, 'family-dark');
    const setup = await h.page({ colorScheme: 'dark', query: 'mock=fixtures&family=none', hash: '#/family' });
    await ready(setup);
    await shoot(setup, 'family-setup-dark');
  });
});

describe('a failed read', () => {
  it("shows the backend's message and a retry button", async () => {
    const page = await h.page({ query: 'mock=error', hash: '#/family' });
    const error = page.getByTestId('error-state');
    await error.waitFor();
    expect(await error.textContent()).toContain("Couldn't load your family");
    expect(await error.textContent()).toContain('The database is locked by another program');
    expect(await error.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    await shoot(page, 'family-error-light');
    expect(h.external).toEqual([]);
  });
});
