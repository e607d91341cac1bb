import { describe, expect, it } from 'vitest';
import { VIEWS, neighbour, viewFromHash } from './nav';

describe('nav', () => {
  it('reads the view from the hash, Today by default', () => {
    expect(viewFromHash('#/goals')).toBe('goals');
    expect(viewFromHash('#trends')).toBe('trends');
    expect(viewFromHash('')).toBe('today');
    expect(viewFromHash('#/nope')).toBe('today');
  });
  it('moves with arrow keys, wrapping, and jumps with Home/End', () => {
    expect(neighbour('today', 'ArrowRight')).toBe('mismatch');
    expect(neighbour('today', 'ArrowLeft')).toBe('family');
    expect(neighbour('settings', 'ArrowDown')).toBe('family');
    expect(neighbour('family', 'ArrowDown')).toBe('today');
    expect(neighbour('goals', 'Home')).toBe('today');
    expect(neighbour('goals', 'End')).toBe('family');
    expect(neighbour('goals', 'a')).toBeNull();
  });
  it('gives each view its own Alt shortcut', () => {
    expect(new Set(VIEWS.map((v) => v.key)).size).toBe(VIEWS.length);
  });
});
