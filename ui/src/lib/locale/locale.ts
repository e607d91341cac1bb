// WebKitGTK reports the POSIX locale as `navigator.language = "C"` when LANG is unset, "C"
// or "C.UTF-8" (containers, minimal installs, CI). "C" is not a BCP 47 language tag, so
// `new Intl.NumberFormat("C")` throws a RangeError, and uPlot calls exactly that while its
// module loads: the whole front end would die before painting anything. This module runs
// first (main.ts imports it before anything else) and, when the browser's language is not
// a tag Intl accepts, replaces it with the closest usable one.

/** The tag to use instead of `tag` when Intl refuses it ("C.UTF-8" → "en-US", "de_DE" → "de-DE"). */
export function usableLanguage(tag: string | undefined | null): string | null {
  if (tag && accepted(tag)) return null;
  // POSIX form: language_TERRITORY.codeset@modifier
  const posix = (tag ?? '').split(/[.@]/)[0].replace('_', '-');
  if (posix && posix !== 'C' && accepted(posix)) return posix;
  return 'en-US';
}

function accepted(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

/** Replaces navigator.language(s) when Intl would refuse them; returns the tag now used. */
export function guardLanguage(nav: { language?: string; languages?: readonly string[] } | undefined): string | null {
  if (!nav) return null;
  const replacement = usableLanguage(nav.language);
  if (replacement === null) return nav.language ?? null;
  const languages = (nav.languages ?? []).map((l) => usableLanguage(l) ?? l);
  Object.defineProperty(nav, 'language', { configurable: true, get: () => replacement });
  Object.defineProperty(nav, 'languages', {
    configurable: true,
    get: () => Object.freeze([replacement, ...languages.filter((l) => l !== replacement)]),
  });
  return replacement;
}

guardLanguage(typeof navigator === 'undefined' ? undefined : navigator);
