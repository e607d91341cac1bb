// The "add a rule" form: its fields, the rule draft the core checks, and how matches read.
// The core decides what a rule matches (`try_rule`); nothing here matches windows.
import type { Category, RecentWindow, RuleDraft } from '../ipc/types';

export interface RuleForm {
  name: string;
  /** Empty: made from the name (see {@link idFromName}). */
  id: string;
  category: Category;
  /** App classes or executable names, comma or line separated. */
  apps: string;
  /** Page-title patterns, one a line (titles may hold commas); `*` stands for anything. */
  titles: string;
  /** Domains with an optional path prefix, comma or line separated. */
  urls: string;
}

export const emptyRuleForm = (): RuleForm => ({ name: '', id: '', category: 'social', apps: '', titles: '', urls: '' });

/** A platform id from a name as people write it: `Lemmy World` → `lemmy-world`. */
export function idFromName(name: string): string {
  return name.trim().toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '');
}

/** The entries of a list field, trimmed, without blanks or repeats. */
export function entries(text: string, separators: RegExp): string[] {
  return [...new Set(text.split(separators).map((s) => s.trim()).filter(Boolean))];
}

export function toDraft(f: RuleForm): RuleDraft {
  return {
    id: f.id.trim() || idFromName(f.name),
    name: f.name.trim() || null,
    category: f.category,
    apps: entries(f.apps, /[,\n]/),
    titles: entries(f.titles, /\n/),
    urls: entries(f.urls, /[,\n]/),
  };
}

/** Whether the form says enough to be worth asking the core about. */
export function isBlank(f: RuleForm): boolean {
  const d = toDraft(f);
  return !d.id && !d.apps.length && !d.titles.length && !d.urls.length;
}

/** How a recent window is named in the table: its title as stored, or why there is none. */
export function windowTitle(w: RecentWindow): string {
  return w.title ?? (w.url ? w.url : 'title not kept');
}
