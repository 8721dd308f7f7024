import type { Encounter, Observation, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { ageInYears, dueFrom, yearBefore } from '../../../../src/clinic/rooming/screenings/due.js';
import type { ScreeningRecord } from '../../../../src/clinic/rooming/screenings/history.js';
import type { ScreeningId } from '../../../../src/clinic/rooming/screenings/questionnaires.js';

// The visit is on 2026-06-15 (UTC noon). A patient born 2014-06-15 is 12 that day; born 2014-06-16, still 11.
const NOW = new Date('2026-06-15T12:00:00Z');
const ENC = 'enc-today';

function visit(birthDate: string) {
  return {
    encounter: { resourceType: 'Encounter', id: ENC } as Encounter,
    patient: { resourceType: 'Patient', id: 'p1', birthDate } as Patient,
  };
}

function record(id: ScreeningId, at: string, encounterId = 'enc-old', positive = false): ScreeningRecord {
  return {
    id,
    at,
    encounterId,
    positive,
    observation: { resourceType: 'Observation', id: `obs-${id}-${at}` } as Observation,
  };
}

const ids = (list: { id: string }[]) => list.map((d) => d.id);

describe('age in whole years', () => {
  it('turns on the birthday, not before', () => {
    expect(ageInYears('2014-06-15', NOW)).toBe(12);
    expect(ageInYears('2014-06-16', NOW)).toBe(11);
    expect(ageInYears('1961-06-15', NOW)).toBe(65);
    expect(ageInYears('1961-06-16', NOW)).toBe(64);
  });

  it("counts on the clinic's date: 2026-06-16T03:00Z is still June 15 in Chicago (22:00 CDT)", () => {
    const evening = new Date('2026-06-16T03:00:00Z');
    expect(ageInYears('1961-06-16', evening, 'America/Chicago')).toBe(64);
    expect(ageInYears('1961-06-16', evening, 'UTC')).toBe(65);
  });
});

describe('12 months back', () => {
  it('Feb 29 goes back to Feb 28 of the year before, other days to the same day', () => {
    expect(yearBefore(new Date('2028-02-29T15:00:00Z')).toISOString()).toBe('2027-02-28T15:00:00.000Z');
    expect(yearBefore(new Date('2026-11-27T15:00:00Z')).toISOString()).toBe('2025-11-27T15:00:00.000Z');
  });
});

describe('due rules by age, no history', () => {
  it('11 (born 2014-06-16): only social needs', () => {
    expect(ids(dueFrom(visit('2014-06-16'), [], NOW))).toEqual(['social-needs']);
  });
  it('12 (born 2014-06-15): PHQ-2 and tobacco join', () => {
    expect(ids(dueFrom(visit('2014-06-15'), [], NOW))).toEqual(['phq-2', 'tobacco', 'social-needs']);
  });
  it('17 (born 2008-06-16): no GAD-7 yet', () => {
    expect(ids(dueFrom(visit('2008-06-16'), [], NOW))).toEqual(['phq-2', 'tobacco', 'social-needs']);
  });
  it('18 (born 2008-06-15): GAD-7 due', () => {
    expect(ids(dueFrom(visit('2008-06-15'), [], NOW))).toEqual(['phq-2', 'gad-7', 'tobacco', 'social-needs']);
  });
  it('64 (born 1961-06-16): GAD-7, no fall risk', () => {
    expect(ids(dueFrom(visit('1961-06-16'), [], NOW))).toEqual(['phq-2', 'gad-7', 'tobacco', 'social-needs']);
  });
  it('65 (born 1961-06-15): fall risk, no GAD-7', () => {
    expect(ids(dueFrom(visit('1961-06-15'), [], NOW))).toEqual([
      'phq-2',
      'fall-risk',
      'tobacco',
      'social-needs',
    ]);
  });
  it('each item is open with a reason', () => {
    const list = dueFrom(visit('1990-01-01'), [], NOW);
    expect(list.every((d) => !d.done)).toBe(true);
    expect(list.find((d) => d.id === 'gad-7')?.reason).toBe('adults 18-64: none in the last 12 months');
  });
});

describe('due rules by history', () => {
  it('done 11 months ago: not due; done 13 months ago: due', () => {
    const recent = [record('gad-7', '2025-07-15T12:00:00Z'), record('tobacco', '2025-05-15T12:00:00Z')];
    const due = ids(dueFrom(visit('1990-01-01'), recent, NOW));
    expect(due).not.toContain('gad-7');
    expect(due).toContain('tobacco');
  });
  it('exactly 12 months ago to the instant is no longer recent', () => {
    expect(
      ids(dueFrom(visit('1990-01-01'), [record('social-needs', '2025-06-15T12:00:00Z')], NOW))
    ).toContain('social-needs');
  });
  it('a PHQ-9 in the last year counts as depression screening', () => {
    expect(ids(dueFrom(visit('1990-01-01'), [record('phq-9', '2026-01-10T12:00:00Z')], NOW))).not.toContain(
      'phq-2'
    );
  });
  it('done this visit: listed as done', () => {
    const list = dueFrom(visit('1990-01-01'), [record('gad-7', '2026-06-15T11:50:00Z', ENC)], NOW);
    expect(list.find((d) => d.id === 'gad-7')).toEqual({
      id: 'gad-7',
      title: 'GAD-7',
      done: true,
      reason: 'completed this visit',
    });
  });
  it('a positive PHQ-2 this visit brings the PHQ-9, right after it; a negative one does not', () => {
    const positive = dueFrom(visit('1990-01-01'), [record('phq-2', '2026-06-15T11:50:00Z', ENC, true)], NOW);
    expect(ids(positive).slice(0, 2)).toEqual(['phq-2', 'phq-9']);
    expect(positive[1]).toMatchObject({ done: false, reason: 'the PHQ-2 this visit was positive' });
    const negative = dueFrom(visit('1990-01-01'), [record('phq-2', '2026-06-15T11:50:00Z', ENC, false)], NOW);
    expect(ids(negative)).not.toContain('phq-9');
  });
  it('the PHQ-9 done after it is done', () => {
    const list = dueFrom(
      visit('1990-01-01'),
      [
        record('phq-9', '2026-06-15T11:55:00Z', ENC, true),
        record('phq-2', '2026-06-15T11:50:00Z', ENC, true),
      ],
      NOW
    );
    expect(list.filter((d) => d.id.startsWith('phq'))).toEqual([
      { id: 'phq-2', title: 'PHQ-2', done: true, reason: 'completed this visit' },
      { id: 'phq-9', title: 'PHQ-9', done: true, reason: 'completed this visit' },
    ]);
  });
  it('no birth date: only what was done this visit', () => {
    expect(dueFrom(visit(''), [], NOW)).toEqual([]);
  });
});
