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
  type ScreenChecklistItem,
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

  it('sections in checklist order; procedure and wound care at every visit in the room; consent on procedure visits or on request', () => {
    // A dermatology wound re-check is a follow-up or a nurse visit: the wound section is there.
    const followUp = sectionsFor('follow-up', [item('vitals', false)]);
    expect(followUp).toEqual([
      'vitals',
      'allergies',
      'medications',
      'problems',
      'screenings',
      'intake',
      'procedure',
      'education',
      'care-gaps',
      'trends',
    ]);
    expect(sectionsFor('nurse-visit', [item('vitals', false)])).toContain('procedure');
    expect(sectionsFor('lab-draw', [item('allergies', false)])).toContain('procedure');
    expect(sectionsFor('nurse-visit', [item('vitals', false)])).not.toContain('consent');
    // A procedure at a follow-up: the consent section comes before the procedure one.
    expect(sectionsFor('follow-up', [item('vitals', false)], { consent: true })).toEqual([
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
    // Telehealth: nothing to assist or measure in the room.
    expect(sectionsFor('telehealth', [item('allergies', false)])).not.toContain('procedure');
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

  it('ticks by hand: only what the server allows (tickable), open or ticked by hand', () => {
    const open = (id: string, tickable: boolean): ScreenChecklistItem => ({ ...item(id, false), tickable });
    expect(mayTick(open('pharmacy', true))).toBe(true);
    expect(mayTick(open('screenings', true))).toBe(true);
    // The server says no for measured, signed and reviewed items: the screen offers no tick.
    expect(mayTick(open('vitals', false))).toBe(false);
    expect(mayTick(open('pain', false))).toBe(false);
    expect(mayTick(open('consent', false))).toBe(false);
    // An answer without the flag (an older server) offers nothing.
    expect(mayTick(item('pharmacy', false))).toBe(false);
    const ticked: ScreenChecklistItem = {
      ...item('pharmacy', true, 'Ticked by hand by Luis Ortega at 10:42'),
      tickable: true,
      ticked: { by: 'Luis Ortega', at: '2026-11-27T16:42:00Z' },
    };
    expect(tickedByHand(ticked)).toBe(true);
    expect(mayTick(ticked)).toBe(true);
    // Done by its record (a review stamp), not by hand: nothing to take back.
    const reviewed: ScreenChecklistItem = {
      ...item('pharmacy', true, 'Reviewed today by Luis Ortega'),
      tickable: true,
    };
    expect(tickedByHand(reviewed)).toBe(false);
    expect(mayTick(reviewed)).toBe(false);
    // The words "ticked by hand" in a detail are not a tick.
    expect(tickedByHand(item('pharmacy', true, 'Ticked by hand'))).toBe(false);
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
