import { describe, expect, it } from 'vitest';
import {
  allergyBody,
  EMPTY_ALLERGY_FORM,
  itemIndexOf,
  reconcileBody,
  reviewedText,
  unanswered,
  type RowAnswer,
} from '../../../../web/src/rooming/review/reviewModel.js';

describe('reviewedText', () => {
  const by = { reference: 'Practitioner/p1', display: 'lortega' };
  it('today: who and the local time', () => {
    // Both instants built in local time, so the test holds in any time zone.
    const now = new Date(2026, 10, 27, 15, 0);
    const at = new Date(2026, 10, 27, 9, 5).toISOString();
    expect(reviewedText({ what: 'allergies', at, by }, now)).toBe('Reviewed today by lortega at 09:05');
  });
  it('another day: the date, no time', () => {
    const now = new Date(2026, 10, 27, 15, 0);
    const at = new Date(2026, 10, 25, 23, 59).toISOString();
    expect(reviewedText({ what: 'allergies', at, by }, now)).toBe('Reviewed Nov 25, 2026 by lortega');
  });
  it('no stamp', () => {
    expect(reviewedText(undefined, new Date())).toBe('Not reviewed at this visit');
  });
});

describe('reconcileBody', () => {
  const rows = [
    { ref: 'MedicationStatement/a' },
    { ref: 'MedicationRequest/b' },
    { ref: 'MedicationStatement/c' },
  ];
  const answers: Record<string, RowAnswer> = {
    'MedicationStatement/a': { answer: 'taking', source: 'patient', dosage: 'ignored', note: '' },
    'MedicationStatement/c': {
      answer: 'changed',
      source: 'caregiver',
      dosage: ' half a tablet ',
      note: ' aches ',
    },
  };
  const added = [
    { key: 'k1', rxnorm: '311372', text: 'Loratadine', dosage: '', source: 'outside-records' as const },
  ];

  it('complete: every row in order (an unanswered one with an empty status, for the server to name), then added', () => {
    const { body, keys } = reconcileBody(rows, answers, added, true);
    expect(body.complete).toBe(true);
    expect(keys).toEqual(['MedicationStatement/a', 'MedicationRequest/b', 'MedicationStatement/c', 'k1']);
    expect(body.items).toEqual([
      // A dosage is sent only for a changed row.
      { ref: 'MedicationStatement/a', status: 'taking', source: 'patient' },
      { ref: 'MedicationRequest/b', status: '', source: 'patient' },
      {
        ref: 'MedicationStatement/c',
        status: 'changed',
        source: 'caregiver',
        dosage: 'half a tablet',
        note: 'aches',
      },
      { drug: { rxnorm: '311372' }, status: 'taking', source: 'outside-records' },
    ]);
  });

  it('progress: only the answered rows; keys follow the items', () => {
    const { body, keys } = reconcileBody(rows, answers, [], false);
    expect(keys).toEqual(['MedicationStatement/a', 'MedicationStatement/c']);
    expect(body.items.map((i) => i.ref)).toEqual(keys);
    expect(body.complete).toBe(false);
  });

  it('a typed medication goes as text', () => {
    const typed = [{ key: 'k2', text: ' Fish oil ', dosage: '1 capsule', source: 'patient' as const }];
    expect(reconcileBody([], {}, typed, true).body.items).toEqual([
      { drug: { text: 'Fish oil' }, status: 'taking', source: 'patient', dosage: '1 capsule' },
    ]);
  });

  it('unanswered rows and error expressions', () => {
    expect(unanswered(rows, answers)).toEqual(['MedicationRequest/b']);
    expect(itemIndexOf('items[2].status')).toEqual({ index: 2, field: 'status' });
    expect(itemIndexOf('items[10].drug.rxnorm')).toEqual({ index: 10, field: 'drug.rxnorm' });
    expect(itemIndexOf('items')).toBeUndefined();
  });
});

describe('allergyBody', () => {
  it('a catalog substance with a coded reaction', () => {
    expect(
      allergyBody({
        ...EMPTY_ALLERGY_FORM,
        catalog: 'http://www.nlm.nih.gov/research/umls/rxnorm|723',
        reaction: '126485001',
        severity: 'severe',
        criticality: 'high',
      })
    ).toEqual({
      action: 'add',
      substance: { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '723' },
      criticality: 'high',
      verificationStatus: 'unconfirmed',
      reaction: [{ manifestation: { code: '126485001' }, severity: 'severe' }],
    });
  });
  it('typed text with a category and a typed reaction, no severity', () => {
    expect(
      allergyBody({
        ...EMPTY_ALLERGY_FORM,
        text: ' Strawberries ',
        category: 'food',
        reactionText: 'Itchy mouth',
      })
    ).toEqual({
      action: 'add',
      substance: { text: 'Strawberries' },
      category: 'food',
      verificationStatus: 'unconfirmed',
      reaction: [{ manifestation: { text: 'Itchy mouth' } }],
    });
  });
});
