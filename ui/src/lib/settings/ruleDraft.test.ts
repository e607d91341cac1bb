import { describe, expect, it } from 'vitest';
import type { RecentWindow } from '../ipc/types';
import { emptyRuleForm, entries, idFromName, isBlank, toDraft, windowTitle } from './ruleDraft';
import { trialOf, validateRuleDraft } from '../ipc/mock';

const w = (app: string, title: string | null, platform: string | null = null): RecentWindow => ({
  app, exe: app.toLowerCase(), title, url: null, platform, seconds: 60, lastSeenMs: 0,
});

describe('rule form', () => {
  it('makes an id from the name unless one is given', () => {
    expect(idFromName('  Lemmy World! ')).toBe('lemmy-world');
    expect(idFromName('Café Forum')).toBe('cafe-forum');
    expect(toDraft({ ...emptyRuleForm(), name: 'Lemmy World' }).id).toBe('lemmy-world');
    expect(toDraft({ ...emptyRuleForm(), name: 'Lemmy World', id: 'lemmy' }).id).toBe('lemmy');
  });
  it('splits apps and urls on commas and lines, titles on lines only', () => {
    const d = toDraft({ ...emptyRuleForm(), name: 'X', apps: 'code, Code\ncode,', titles: 'Home, sweet * - Site\n\n* - Site', urls: 'a.org/x, b.org' });
    expect(d.apps).toEqual(['code', 'Code']);
    expect(d.titles).toEqual(['Home, sweet * - Site', '* - Site']);
    expect(d.urls).toEqual(['a.org/x', 'b.org']);
    expect(d.name).toBe('X');
    expect(toDraft(emptyRuleForm()).name).toBeNull();
    expect(entries(' a ,, b ', /,/)).toEqual(['a', 'b']);
  });
  it('is blank until something is typed', () => {
    expect(isBlank(emptyRuleForm())).toBe(true);
    expect(isBlank({ ...emptyRuleForm(), titles: '* - Site' })).toBe(false);
  });
  it('names untitled windows plainly', () => {
    expect(windowTitle(w('Code', null))).toBe('title not kept');
    expect(windowTitle(w('firefox', 'Home - Lemmy — Mozilla Firefox'))).toBe('Home - Lemmy — Mozilla Firefox');
  });
});

describe('the mock rule trial', () => {
  const windows = [w('Code', null), w('firefox', 'Home - Lemmy — Mozilla Firefox'), w('Alacritty', 'Home - Lemmy')];
  it('matches apps by class or executable and titles of browser windows only', () => {
    const t = trialOf(toDraft({ ...emptyRuleForm(), name: 'Lemmy', titles: '* - Lemmy' }), windows);
    expect(t.matches.map((m) => [m.window.app, m.rule, m.platform])).toEqual([['firefox', 'lemmy.title', 'lemmy']]);
    expect(t.tried).toBe(3);
    expect(t.toml).toContain('titles = ["* - Lemmy"]');
    const byApp = trialOf(toDraft({ ...emptyRuleForm(), name: 'Coding', apps: 'code' }), windows);
    expect(byApp.matches.map((m) => m.rule)).toEqual(['coding.app']);
  });
  it('refuses drafts as the core does', () => {
    expect(validateRuleDraft(toDraft({ ...emptyRuleForm(), name: 'Lemmy' }))?.message).toContain('has no apps, titles or urls');
    expect(validateRuleDraft(toDraft({ ...emptyRuleForm(), id: 'Bad Id', titles: 'x' }))?.message).toContain('lowercase');
    expect(validateRuleDraft(toDraft({ ...emptyRuleForm(), name: 'a', titles: '**' }))?.message).toContain('matches every page');
    expect(validateRuleDraft(toDraft({ ...emptyRuleForm(), name: 'a', urls: 'https://a.org' }))?.code).toBe('invalid');
    expect(validateRuleDraft(toDraft({ ...emptyRuleForm(), name: 'a', urls: 'a.org/b' }))).toBeNull();
  });
});
