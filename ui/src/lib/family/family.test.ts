import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FamilyStatus, SharePreview } from '../ipc/types';
import { emptyForm } from '../goals/form';
import {
  MARK, ago, badges, checkCreate, checkJoin, dayText, emptyCreate, forWhomText, formToSharedGoal, keptText, memberNames,
  previewDays, previewSummary, sharedGoalToForm, weekColumns,
} from './family';

const dir = join(__dirname, '..', '..', '..', 'tests', 'fixtures');
const family = JSON.parse(readFileSync(join(dir, 'family.json'), 'utf8')) as FamilyStatus;
const preview = JSON.parse(readFileSync(join(dir, 'family_preview.json'), 'utf8')) as SharePreview;

describe('create and join forms', () => {
  const ok = { folder: ' /sync/family ', name: 'Home', member: 'parent', passphrase: 'long enough words', confirm: 'long enough words' };
  it('need every field, a passphrase of 8 characters and the same one twice', () => {
    expect(checkCreate(emptyCreate())).toMatchObject({ ok: false, field: 'folder' });
    expect(checkCreate({ ...ok, name: ' ' })).toMatchObject({ ok: false, field: 'name' });
    expect(checkCreate({ ...ok, member: '' })).toMatchObject({ ok: false, field: 'member' });
    expect(checkCreate({ ...ok, passphrase: 'short', confirm: 'short' })).toMatchObject({ ok: false, field: 'passphrase' });
    const r = checkCreate({ ...ok, confirm: 'long enough word' });
    expect(r).toMatchObject({ ok: false, field: 'confirm' });
    expect(!r.ok && r.message).toContain('differ');
    expect(checkCreate(ok)).toEqual({ ok: true, value: { folder: '/sync/family', name: 'Home', member: 'parent', passphrase: 'long enough words' } });
  });
  it('join needs folder, name, passphrase and the family fingerprint', () => {
    const join = { folder: '/f', member: 'teen', passphrase: 'x'.repeat(8), fingerprint: ' 7kq2-m9xd-4t8c-q2wn ' };
    expect(checkJoin({ ...join, passphrase: '' })).toMatchObject({ ok: false, field: 'passphrase' });
    expect(checkJoin({ ...join, folder: '' })).toMatchObject({ ok: false, field: 'folder' });
    const r = checkJoin({ ...join, fingerprint: '  ' });
    expect(r).toMatchObject({ ok: false, field: 'fingerprint' });
    expect(!r.ok && r.message).toContain('mast family status');
    // Whether it is the family's code is the core's to say: the form sends it as typed.
    expect(checkJoin(join)).toEqual({ ok: true, value: { ...join, fingerprint: '7kq2-m9xd-4t8c-q2wn' } });
  });
});

describe('shared goal form', () => {
  it('maps the goal form and whom it is for, and back', () => {
    const form = { ...emptyForm(), targetId: 'Instagram', limit: '1 h' };
    expect(formToSharedGoal(form, { everyone: true, members: ['teen'] })).toEqual({
      ok: true, goal: { target: { kind: 'platform', id: 'instagram' }, weekdays: 127, kind: 'dailyLimit', limitSecs: 3600, members: [] },
    });
    const r = formToSharedGoal(form, { everyone: false, members: ['teen'] });
    expect(r.ok && r.goal.members).toEqual(['teen']);
    expect(formToSharedGoal(form, { everyone: false, members: [] })).toMatchObject({ ok: false, field: 'members' });
    expect(formToSharedGoal({ ...form, targetId: '' }, { everyone: true, members: [] })).toMatchObject({ ok: false, field: 'targetId' });
    const back = sharedGoalToForm(family.goals[1].goal);
    expect(back.forWhom).toEqual({ everyone: false, members: ['teen'] });
    expect(back.form).toMatchObject({ kind: 'sessionCap', targetId: 'youtube' });
  });
  it('says whom a goal is for', () => {
    expect(forWhomText([])).toBe('everyone');
    expect(forWhomText(['teen'])).toBe('teen');
    expect(forWhomText(['child', 'parent', 'teen'])).toBe('child, parent and teen');
  });
});

describe('status in words', () => {
  it('lists members once each, with their badges', () => {
    expect(memberNames([...family.members, { ...family.members[1], device: 'x' }])).toEqual(['carer', 'parent', 'teen']);
    expect(badges(family.me)).toEqual(['creator', 'organiser', 'this device']);
    expect(badges(family.members.find((m) => m.name === 'teen')!)).toEqual([]);
  });
  it('labels the week Monday to Sunday and every mark with words', () => {
    const cols = weekColumns(family.week);
    expect(cols.map((c) => c.label)).toEqual(['Mon 23 Nov', 'Tue 24 Nov', 'Wed 25 Nov', 'Thu 26 Nov', 'Fri 27 Nov', 'Sat 28 Nov', 'Sun 29 Nov']);
    expect(weekColumns({ ...family.week, rows: [] })).toEqual(cols);
    for (const m of Object.values(MARK)) expect(m.label).not.toBe('');
    const teen = family.week.rows.find((r) => r.member === 'teen')!;
    expect(keptText(teen)).toBe(`${teen.daysKept} of ${teen.daysJudged} days kept`);
    expect(keptText({ ...teen, daysJudged: 0 })).toBe('nothing judged yet');
    expect(dayText({ date: '2026-11-23', status: 'broken', usedSeconds: 83 * 60 })).toBe('Mon 23 Nov: broken, 1 h 23 min');
    expect(dayText(teen.days[0])).toMatch(/^Mon 23 Nov: /);
  });
  it('says how long ago', () => {
    const now = Date.UTC(2026, 10, 25, 19, 30);
    expect(ago(null, now)).toBe('not yet');
    expect(ago(now - 20_000, now)).toBe('just now');
    expect(ago(now - 12 * 60_000, now)).toBe('12 min ago');
    expect(ago(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(ago(now - 3 * 86_400_000, now)).toMatch(/^Sun 22 Nov, \d\d:30$/);
  });
  it('puts the preview in words, newest day first, goals by their objective', () => {
    const days = previewDays(preview, family.goals);
    expect(days).toHaveLength(14);
    expect(days[0].date).toBe('2026-11-25');
    const last = preview.adherence.days[preview.adherence.days.length - 1];
    const mark = last.goals['g-000000a0']!;
    expect(days[0].totals).toEqual([{ target: 'Instagram', seconds: last.totals.instagram }]);
    expect(days[0].marks).toEqual([{ goal: 'g-000000a0', objective: 'instagram: at most 30 min a day', status: mark.status, usedSeconds: mark.usedSeconds }]);
    expect(previewDays(preview, [])[0].marks[0].objective).toBe('g-000000a0');
    expect(previewSummary(preview)).toContain('last 14 days, the time on Instagram');
    const none = { ...preview, adherence: { ...preview.adherence, days: preview.adherence.days.map((d) => ({ ...d, totals: {}, goals: {} })) } };
    expect(previewSummary(none)).toContain('No shared goal applies to you yet');
  });
});
