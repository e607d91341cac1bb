import { describe, expect, it } from 'vitest';
import { guardLanguage, usableLanguage } from './locale';

describe('usableLanguage', () => {
  it('keeps a tag Intl accepts', () => {
    expect(usableLanguage('en-GB')).toBeNull();
    expect(usableLanguage('de')).toBeNull();
  });
  it('maps the POSIX locale to en-US', () => {
    for (const tag of ['C', 'C.UTF-8', '', undefined, null]) {
      expect(usableLanguage(tag)).toBe('en-US');
    }
  });
  it('turns a POSIX locale name into a tag', () => {
    expect(usableLanguage('de_DE.UTF-8')).toBe('de-DE');
    expect(usableLanguage('pt_BR@euro')).toBe('pt-BR');
  });
});

describe('guardLanguage', () => {
  it('makes navigator.language usable by Intl.NumberFormat, as uPlot needs', () => {
    const nav = { language: 'C', languages: ['C'] };
    expect(() => new Intl.NumberFormat(nav.language)).toThrow(RangeError);
    expect(guardLanguage(nav)).toBe('en-US');
    expect(nav.language).toBe('en-US');
    expect(nav.languages).toEqual(['en-US']);
    expect(() => new Intl.NumberFormat(nav.language)).not.toThrow();
  });
  it('leaves a good language alone', () => {
    const nav = { language: 'fr-FR', languages: ['fr-FR', 'en'] };
    expect(guardLanguage(nav)).toBe('fr-FR');
    expect(nav.languages).toEqual(['fr-FR', 'en']);
  });
});
