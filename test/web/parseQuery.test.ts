import { describe, expect, it } from 'vitest';
import { parseDateOfBirth, parsePatientQuery } from '../../web/src/search/parseQuery.js';

describe('parsePatientQuery', () => {
  it('searches nothing for empty or one-letter text', () => {
    expect(parsePatientQuery('   ')).toEqual({ kind: 'none', params: [] });
    expect(parsePatientQuery('s')).toEqual({ kind: 'none', params: [] });
  });

  it('ANDs the words of "first last" as name parameters', () => {
    expect(parsePatientQuery('José  Muñoz')).toEqual({
      kind: 'name',
      params: [
        ['name', 'José'],
        ['name', 'Muñoz'],
      ],
    });
    expect(parsePatientQuery('smi').params).toEqual([['name', 'smi']]);
  });

  it('reads "last, first" as family and given', () => {
    expect(parsePatientQuery('Smith, Anna')).toEqual({
      kind: 'family-given',
      params: [
        ['family', 'Smith'],
        ['given', 'Anna'],
      ],
    });
    expect(parsePatientQuery('Hernández,').params).toEqual([['family', 'Hernández']]);
    expect(parsePatientQuery('de la Cruz, Ana Sofía').params).toEqual([
      ['family', 'de la Cruz'],
      ['given', 'Ana'],
      ['given', 'Sofía'],
    ]);
  });

  it('reads dates of birth in US month/day order', () => {
    for (const typed of ['3/4/1961', '03/04/1961', '03041961', '1961-03-04', '3-4-1961', '03.04.1961']) {
      expect(parsePatientQuery(typed), typed).toEqual({
        kind: 'birthdate',
        params: [['birthdate', '1961-03-04']],
      });
    }
  });

  it('waits for a date still being typed', () => {
    expect(parsePatientQuery('3/4/19').kind).toBe('incomplete-date');
    expect(parsePatientQuery('03/').kind).toBe('incomplete-date');
  });

  it('sends an impossible date as typed so the server can say what is wrong', () => {
    expect(parsePatientQuery('13/45/1961').params).toEqual([['birthdate', '1961-13-45']]);
  });

  it('searches phone digits with :text', () => {
    expect(parsePatientQuery('(737) 555-0111').params).toEqual([['phone:text', '7375550111']]);
    expect(parsePatientQuery('737555').params).toEqual([['phone:text', '737555']]);
    expect(parsePatientQuery('73').kind).toBe('none');
  });

  it('searches a word of letters and digits as an identifier (MRN)', () => {
    expect(parsePatientQuery(' RB100007 ')).toEqual({
      kind: 'identifier',
      params: [['identifier', 'RB100007']],
    });
  });
});

describe('parseDateOfBirth', () => {
  it('pads month and day and leaves range checks to the server', () => {
    expect(parseDateOfBirth('1/2/2003')).toBe('2003-01-02');
    expect(parseDateOfBirth('2003-1-2')).toBe('2003-01-02');
    expect(parseDateOfBirth('02302003')).toBe('2003-02-30');
    expect(parseDateOfBirth('Smith')).toBeUndefined();
  });
});
