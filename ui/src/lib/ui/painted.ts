import type { Backend } from '../ipc';

let told = false;

/**
 * Tells the backend, once per page, that a view has painted with its data: after the next
 * two animation frames, so the frame with the data is on screen. Failures are ignored (an
 * older shell without the command must not break the page).
 */
export function notePainted(backend: Pick<Backend, 'viewPainted'>, frame: (cb: () => void) => void = raf): boolean {
  if (told) return false;
  told = true;
  frame(() => frame(() => void backend.viewPainted().catch(() => undefined)));
  return true;
}

function raf(cb: () => void) {
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(cb);
  else setTimeout(cb, 0);
}
