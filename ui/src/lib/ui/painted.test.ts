import { describe, expect, it, vi } from 'vitest';
import { notePainted } from './painted';

describe('notePainted', () => {
  it('tells the backend once, after two frames, and survives a failing call', async () => {
    const viewPainted = vi.fn(() => Promise.reject(new Error('no such command')));
    const frames: (() => void)[] = [];
    const frame = (cb: () => void) => void frames.push(cb);
    expect(notePainted({ viewPainted }, frame)).toBe(true);
    expect(viewPainted).not.toHaveBeenCalled();
    frames.shift()!();
    expect(viewPainted).not.toHaveBeenCalled();
    frames.shift()!();
    expect(viewPainted).toHaveBeenCalledTimes(1);
    expect(notePainted({ viewPainted }, frame)).toBe(false);
    expect(frames).toEqual([]);
    await Promise.resolve();
  });
});
