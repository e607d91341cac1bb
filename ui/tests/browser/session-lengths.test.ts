// The Mismatch view's session-length histogram on the fixtures: one bar per bucket the
// core sends, a text alternative with the counts, and the cap line where the threshold the
// core counted with (or the target's session cap) falls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, start, type Harness } from './harness';
import type { MismatchReport } from '../../src/lib/ipc/types';
import { bucketLabels, bucketPosition, sessionCapOf } from '../../src/lib/mismatch/mismatch';

let h: Harness;
beforeAll(async () => { h = await start(); });
afterAll(async () => {
  await h?.close();
});

const week = fixture<MismatchReport>('mismatch-week');

describe('session lengths', () => {
  it('draws the histogram with its counts and the cap at its place', async () => {
    const page = await h.page({ hash: '#/mismatch' });
    await page.locator('main[data-view="mismatch"]').waitFor();
    const targets = week.targets.filter((t) => t.patterns && t.patterns.sessions > 0);
    expect(targets.length).toBeGreaterThan(0);
    for (const t of targets) {
      const hist = t.patterns!.sessionLengths;
      expect(hist.counts.reduce((a, b) => a + b, 0)).toBe(t.patterns!.sessions);
      const section = page.getByTestId(`target-${t.target.id}`);
      const chart = section.getByTestId('session-lengths');
      await chart.waitFor();
      expect(await section.locator('[data-testid="session-bar"]').count()).toBe(hist.counts.length);
      const rows = section.locator('[data-testid="session-lengths-table"] tbody tr');
      expect(await rows.count()).toBe(hist.counts.length);
      const labels = bucketLabels(hist.boundsSeconds);
      for (let i = 0; i < hist.counts.length; i++) {
        expect(await rows.nth(i).locator('td').nth(0).textContent()).toBe(labels[i]);
        expect(await rows.nth(i).locator('td').nth(1).textContent()).toBe(String(hist.counts[i]));
      }
      const label = (await chart.getAttribute('aria-label'))!;
      expect(label).toContain(`${labels[0]}: ${hist.counts[0]} session`);
      // The cap: the target's own, else the threshold from the report (not a constant).
      const cap = sessionCapOf(t, week.longSessionSeconds);
      const bw = 460 / hist.counts.length;
      const x = Number(await chart.locator('.cap').getAttribute('x1'));
      expect(x).toBeCloseTo(10 + bw * bucketPosition(cap.secs, hist.boundsSeconds), 3);
    }
    expect(h.errors).toEqual([]);
  });
});
