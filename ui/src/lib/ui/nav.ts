// The views and how the hash names them (#/today …); the hash keeps a view across reloads.
export const VIEWS = [
  { id: 'today', label: 'Today', key: '1' },
  { id: 'mismatch', label: 'Mismatch', key: '2' },
  { id: 'goals', label: 'Goals', key: '3' },
  { id: 'trends', label: 'Trends', key: '4' },
  { id: 'settings', label: 'Settings', key: '5' },
  { id: 'family', label: 'Family', key: '6' },
] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export function viewFromHash(hash: string): ViewId {
  const id = hash.replace(/^#\/?/, '');
  return VIEWS.find((v) => v.id === id)?.id ?? 'today';
}

/** The view an arrow key moves to from `current` (wrapping), or null for other keys. */
export function neighbour(current: ViewId, key: string): ViewId | null {
  const i = VIEWS.findIndex((v) => v.id === current);
  const step = key === 'ArrowRight' || key === 'ArrowDown' ? 1 : key === 'ArrowLeft' || key === 'ArrowUp' ? -1 : 0;
  if (key === 'Home') return VIEWS[0].id;
  if (key === 'End') return VIEWS[VIEWS.length - 1].id;
  if (!step) return null;
  return VIEWS[(i + step + VIEWS.length) % VIEWS.length].id;
}
