import { describe, expect, it } from 'vitest';
import { bucketLabels, bucketPosition, histogramText } from './mismatch';

const BOUNDS = [30, 60, 300, 600, 1200, 1800, 3600, 7200];

describe('session-length histogram', () => {
  it('labels the buckets from the bounds the core sends', () => {
    expect(bucketLabels(BOUNDS)).toEqual([
      '< 30 s', '30 s–1 min', '1–5 min', '5–10 min', '10–20 min', '20–30 min', '30 min–1 h', '1–2 h', '≥ 2 h',
    ]);
  });
  it('places a length inside its bucket, each bound at the start of the next bucket', () => {
    expect(bucketPosition(0, BOUNDS)).toBe(0);
    expect(bucketPosition(15, BOUNDS)).toBe(0.5);
    expect(bucketPosition(30, BOUNDS)).toBe(1);
    expect(bucketPosition(1200, BOUNDS)).toBe(5);
    expect(bucketPosition(900, BOUNDS)).toBe(4.5);
    expect(bucketPosition(10_800, BOUNDS)).toBe(8.5);
    expect(bucketPosition(1e9, BOUNDS)).toBe(9);
  });
  it('reads the counts as text', () => {
    const h = { boundsSeconds: [30, 60], counts: [1, 0, 2], seconds: [10, 0, 200] };
    expect(histogramText(h)).toBe('< 30 s: 1 session, 30 s–1 min: 0 sessions, ≥ 1 min: 2 sessions');
  });
});
