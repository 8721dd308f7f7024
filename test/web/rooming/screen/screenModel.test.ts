import { describe, expect, it } from 'vitest';
import {
  flowStatusWords,
  formatBirthDate,
  ITEM_SECTION,
  mayTick,
  noticeKindWords,
  openItems,
  priorityWords,
  progressOf,
  sectionsFor,
  tickedByHand,
} from '../../../../web/src/rooming/screen/screenModel';
import type { ChecklistItemView } from '../../../../web/src/rooming/types';

const item = (id: string, done: boolean, detail?: string): ChecklistItemView => ({
  id,
  label: id,
  done,
  ...(detail ? { detail } : {}),
});

describe('rooming screen model', () => {
  it('progress: done of total, whole percent, an empty list is complete', () => {
    // 2 of 3 done = 66.67% -> 67.
    expect(progressOf([item('vitals', true), item('pain', true), item('allergies', false)])).toEqual({
      done: 2,
      total: 3,
      percent: 67,
    });
    // 1 of 8 = 12.5% -> 13 (Math.round rounds half up).
    expect(
      progressOf([item('a', true), ...Array.from({ length: 7 }, (_, i) => item(`b${i}`, false))]).percent
    ).toBe(13);
    expect(progressOf([])).toEqual({ done: 0, total: 0, percent: 100 });
    expect(openItems([item('vitals', true), item('pain', false)]).map((i) => i.id)).toEqual(['pain']);
  });

  it('sections in checklist order; consent and procedure only for procedure visits; telehealth without vitals', () => {
    const followUp = sectionsFor('follow-up', [item('vitals', false)]);
    expect(followUp).toEqual([
      'vitals',
      'allergies',
      'medications',
      'problems',
      'screenings',
      'intake',
      'education',
      'care-gaps',
      'trends',
    ]);
    expect(sectionsFor('procedure', [item('vitals', false), item('consent', false)])).toEqual([
      'vitals',
      'allergies',
      'medications',
      'problems',
      'screenings',
      'intake',
      'consent',
      'procedure',
      'education',
      'care-gaps',
      'trends',
    ]);
    expect(sectionsFor('telehealth', [item('allergies', false)])).not.toContain('vitals');
    // Every checklist item of model.ts leads to a section that a visit can show.
    for (const id of [
      'vitals',
      'pain',
      'allergies',
      'medications',
      'screenings',
      'fall-risk',
      'tobacco',
      'pregnancy',
      'chief-complaint',
      'pharmacy',
      'consent',
    ]) {
      expect(ITEM_SECTION[id], id).toBeDefined();
    }
  });

  it('ticks by hand: open items and hand-ticked ones, never measured vitals or pain', () => {
    expect(mayTick(item('pharmacy', false))).toBe(true);
    expect(mayTick(item('pharmacy', true, 'Ticked by hand'))).toBe(true);
    expect(tickedByHand(item('pharmacy', true, 'Last reviewed 2026-11-20; ticked by hand'))).toBe(true);
    expect(mayTick(item('allergies', true, 'Reviewed today by Luis Ortega'))).toBe(false);
    expect(mayTick(item('vitals', false))).toBe(false);
    expect(mayTick(item('pain', false))).toBe(false);
  });

  it('words', () => {
    expect(formatBirthDate('1980-04-12')).toBe('04/12/1980');
    expect(formatBirthDate('1980')).toBe('1980');
    expect(flowStatusWords('ready-for-provider')).toBe('Ready for provider');
    expect(noticeKindWords('critical-vital')).toBe('Critical vital sign');
    expect(noticeKindWords('something-new')).toBe('Notice');
    expect(priorityWords('urgent')).toBe('Urgent');
    expect(priorityWords('stat')).toBe('Stat');
    expect(priorityWords('routine')).toBe('Routine');
  });
});
