import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, mockBackend, type Fixtures } from './mock';
import { fingerprintRefusal, normaliseFingerprint, objectiveOf } from './mockFamily';
import type { SharedGoal } from './types';

const dir = join(__dirname, '..', '..', '..', 'tests', 'fixtures');
const fixtures = Object.fromEntries(FIXTURE_NAMES.map((n) => [n, JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8'))])) as Fixtures;
const goal: SharedGoal = { target: { kind: 'platform', id: 'reddit' }, weekdays: 127, members: [], kind: 'dailyLimit', limitSecs: 1800 };
const setup = { folder: '/home/you/Sync/new', name: 'Home', member: 'parent', passphrase: 'three long words' };

describe('the family fixtures', () => {
  it('are consistent: one member is this device, objectives read as the core writes them', () => {
    const f = fixtures.family;
    expect(f.members.filter((m) => m.me)).toEqual([f.me]);
    for (const g of f.goals) expect(g.objective).toBe(objectiveOf(g.goal));
    for (const p of f.proposals) expect(p.objective).toBe(objectiveOf(p.goal));
    for (const r of f.week.rows) {
      expect(r.days).toHaveLength(7);
      expect(r.days[0].date).toBe(f.week.from);
      expect(r.daysKept).toBe(r.days.filter((d) => d.status === 'kept').length);
    }
    expect(fixtures.family_preview.adherence.days).toHaveLength(14);
  });
});

describe("the core's fingerprint check, as the mock makes it", () => {
  it('reads a code as the core does: case, dashes and spaces ignored, O as 0, I and L as 1', () => {
    expect(normaliseFingerprint('7kq2 m9xd-4t8c-q2wn')).toBe('7KQ2M9XD4T8CQ2WN');
    expect(normaliseFingerprint('oooo-iiii-llll-0000')).toBe('0000111111110000');
    expect(normaliseFingerprint('7KQ2-M9XD-4T8C')).toBeNull();
    expect(normaliseFingerprint('UUUU-UUUU-UUUU-UUUU')).toBeNull();
    expect(normaliseFingerprint('7KQ2-M9XD-4T8C-Q2WÑ')).toBeNull();
    expect(fingerprintRefusal('/f', '7KQ2-M9XD-4T8C-Q2WN', '7kq2m9xd4t8cq2wn')).toBeNull();
    expect(fingerprintRefusal('/f', '7KQ2-M9XD-4T8C-Q2WN', '7KQ2')!.message).toContain("'7KQ2' is not a family fingerprint");
    expect(fingerprintRefusal('/f', '7KQ2-M9XD-4T8C-Q2WN', '7KQ2-M9XD-4T8C-Q2WM')!.message).toContain('Nothing was written');
  });

  it('the replaced-header fixture keeps the family it joined and reports the new family.json with both codes', () => {
    const r = fixtures.family_replaced;
    expect(r.fingerprint).toBe(fixtures.family.fingerprint);
    const p = r.problems.find((x) => x.file === 'family.json')!;
    expect(p.message).toContain(`its fingerprint is now R3VN-8QTD-W5KX-1M7C, and this device joined the family with the fingerprint ${r.fingerprint}`);
    expect(r.goals).toEqual(fixtures.family.goals);
  });
});

describe('mock family', () => {
  it('creates, refuses a second family and a short passphrase, and leaves', async () => {
    const b = mockBackend(fixtures, { noFamily: true });
    expect(await b.familyStatus()).toBeNull();
    await expect(b.familyCreate({ ...setup, passphrase: '' })).rejects.toMatchObject({ code: 'invalid', message: expect.stringContaining('too short') });
    await expect(b.familyCreate({ ...setup, folder: fixtures.family.folder })).rejects.toMatchObject({ message: expect.stringContaining('already holds a family') });
    const s = await b.familyCreate(setup);
    expect(s.me).toMatchObject({ name: 'parent', creator: true, organiser: true });
    expect(s.members).toHaveLength(1);
    await expect(b.familyCreate(setup)).rejects.toMatchObject({ message: expect.stringContaining('already in the family') });
    await b.familyLeave();
    expect(await b.familyStatus()).toBeNull();
    await expect(b.familyPreview()).rejects.toMatchObject({ code: 'invalid' });
  });

  it('joins the fixture family as a member who is not an organiser, who may only propose', async () => {
    const b = mockBackend(fixtures, { noFamily: true });
    const join = { folder: fixtures.family.folder, member: 'teen', passphrase: 'three long words', fingerprint: fixtures.family.fingerprint };
    await expect(b.familyJoin({ ...join, folder: '/elsewhere' })).rejects.toMatchObject({ message: expect.stringContaining('holds no family') });
    await expect(b.familyJoin({ ...join, fingerprint: '' })).rejects.toMatchObject({ message: expect.stringContaining('ask a member to run `mast family status`') });
    await expect(b.familyJoin({ ...join, fingerprint: 'R3VN-8QTD-W5KX-1M7C' })).rejects.toMatchObject({ message: expect.stringContaining('does not have the fingerprint R3VN-8QTD-W5KX-1M7C') });
    await expect(b.familyJoin({ ...join, passphrase: '' })).rejects.toMatchObject({ message: expect.stringContaining('passphrase is wrong') });
    expect(await b.familyStatus()).toBeNull();
    const s = await b.familyJoin({ ...join, fingerprint: fixtures.family.fingerprint.toLowerCase().replaceAll('-', ' ') });
    expect(s.fingerprint).toBe(fixtures.family.fingerprint);
    expect(s.me.organiser).toBe(false);
    expect(s.goals.every((g) => g.appliesToMe)).toBe(true);
    await expect(b.familyAct({ action: 'addGoal', goal })).rejects.toMatchObject({ message: expect.stringContaining('only the family\'s organisers') });
    await expect(b.familyAct({ action: 'setOrganiser', member: 'teen', organiser: true })).rejects.toMatchObject({ message: expect.stringContaining('creator') });
    const after = await b.familyAct({ action: 'propose', goal });
    expect(after.proposals[0]).toMatchObject({ status: 'pending', proposedBy: 'teen', objective: 'reddit: at most 30 min a day' });
  });

  it('lets an organiser add, edit, remove goals and decide proposals', async () => {
    const b = mockBackend(fixtures);
    let s = (await b.familyStatus())!;
    const before = s.goals.length;
    await expect(b.familyAct({ action: 'addGoal', goal: { ...goal, members: ['nobody'] } })).rejects.toMatchObject({ message: expect.stringContaining("no member named 'nobody'") });
    await expect(b.familyAct({ action: 'addGoal', goal: { ...goal, limitSecs: 0 } })).rejects.toMatchObject({ message: expect.stringContaining('more than zero') });
    s = await b.familyAct({ action: 'addGoal', goal: { ...goal, members: ['teen'] } });
    const added = s.goals.at(-1)!;
    expect(s.goals).toHaveLength(before + 1);
    expect(added).toMatchObject({ appliesToMe: false, setBy: 'parent' });
    expect(s.week.rows.filter((r) => r.goal === added.id).map((r) => r.member)).toEqual(['teen']);
    s = await b.familyAct({ action: 'editGoal', id: added.id, goal: { ...goal, limitSecs: 2700 } });
    expect(s.goals.find((g) => g.id === added.id)!.objective).toBe('reddit: at most 45 min a day');
    s = await b.familyAct({ action: 'removeGoal', id: added.id });
    expect(s.goals).toHaveLength(before);
    const p = s.proposals.find((x) => x.status === 'pending')!;
    s = await b.familyAct({ action: 'accept', proposal: p.id });
    expect(s.proposals.find((x) => x.id === p.id)).toMatchObject({ status: 'accepted', decidedBy: 'parent' });
    expect(s.goals.some((g) => g.id === `g-${p.id.slice(2)}`)).toBe(true);
    await expect(b.familyAct({ action: 'decline', proposal: p.id })).rejects.toMatchObject({ message: expect.stringContaining('already decided') });
    s = await b.familyAct({ action: 'setOrganiser', member: 'teen', organiser: true });
    expect(s.members.find((m) => m.name === 'teen')!.organiser).toBe(true);
    expect((await b.familyPreview()).adherence.member).toBe('parent');
  });
});
