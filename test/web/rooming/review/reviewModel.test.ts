import { describe, expect, it } from 'vitest';
import {
  allergiesAnswered,
  allergyBody,
  EMPTY_ALLERGY_FORM,
  itemIndexOf,
  nothingTaken,
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

  it('completing with nothing taken says so (noMedications); progress and a medication taken do not', () => {
    const notTaking: RowAnswer = { answer: 'not-taking', source: 'patient', dosage: '', note: '' };
    const allStopped = { 'MedicationStatement/a': notTaking, 'MedicationRequest/b': notTaking };
    const two = rows.slice(0, 2);
    expect(nothingTaken(two, allStopped, [])).toBe(true);
    expect(reconcileBody(two, allStopped, [], true).body).toMatchObject({
      complete: true,
      noMedications: true,
    });
    expect(reconcileBody(two, allStopped, [], false).body).not.toHaveProperty('noMedications');
    // An empty list, nothing added: the patient takes nothing.
    expect(reconcileBody([], {}, [], true).body).toEqual({ items: [], complete: true, noMedications: true });
    // One row still unanswered, one taking, or one added: not "no medications".
    expect(nothingTaken(two, { 'MedicationStatement/a': notTaking }, [])).toBe(false);
    expect(reconcileBody(rows, answers, [], true).body).not.toHaveProperty('noMedications');
    expect(reconcileBody(two, allStopped, added, true).body).not.toHaveProperty('noMedications');
  });

  it('unanswered rows and error expressions', () => {
    expect(unanswered(rows, answers)).toEqual(['MedicationRequest/b']);
    expect(itemIndexOf('items[2].status')).toEqual({ index: 2, field: 'status' });
    expect(itemIndexOf('items[10].drug.rxnorm')).toEqual({ index: 10, field: 'drug.rxnorm' });
    expect(itemIndexOf('items')).toBeUndefined();
  });
});

describe('allergiesAnswered', () => {
  it('an active allergy or NKDA may be marked reviewed; nothing, or only inactive entries, may not', () => {
    expect(allergiesAnswered({ nkda: false, allergies: [] })).toBe(false);
    expect(
      allergiesAnswered({
        nkda: false,
        allergies: [{ clinicalStatus: 'inactive' }, { clinicalStatus: 'resolved' }],
      })
    ).toBe(false);
    expect(allergiesAnswered({ nkda: true, allergies: [{ clinicalStatus: 'active' }] })).toBe(true);
    expect(
      allergiesAnswered({
        nkda: false,
        allergies: [{ clinicalStatus: 'inactive' }, { clinicalStatus: 'active' }],
      })
    ).toBe(true);
    // R4 allows clinicalStatus absent: the server counts such an entry as active.
    expect(allergiesAnswered({ nkda: false, allergies: [{}] })).toBe(true);
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
