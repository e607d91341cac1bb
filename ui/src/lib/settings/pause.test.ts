import { describe, expect, it } from 'vitest';
import { nextDayStart } from '../ipc/mock';

describe('pause until tomorrow (mock)', () => {
  it('ends at the next local day start', () => {
    const at = (h: number, m = 0, d = 10) => new Date(2026, 10, d, h, m).getTime();
    expect(nextDayStart(at(20, 30), 4)).toBe(at(4, 0, 11));
    expect(nextDayStart(at(2, 0), 4)).toBe(at(4, 0, 10)); // before the day start: later the same night;
    expect(nextDayStart(at(4, 0), 4)).toBe(at(4, 0, 11));
  });
});
