// The theme: follow the system unless the user picked one; kept in localStorage.
export type Theme = 'system' | 'light' | 'dark';
const KEY = 'mast.theme';

export function storedTheme(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

export function applyTheme(t: Theme): void {
  const root = document.documentElement;
  if (t === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', t);
  try {
    if (t === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, t);
  } catch {
    /* storage may be off; the choice then lasts for this window only */
  }
}

/** The theme in effect: the pick, or the system's. */
export function effectiveTheme(t: Theme): 'light' | 'dark' {
  if (t !== 'system') return t;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}
