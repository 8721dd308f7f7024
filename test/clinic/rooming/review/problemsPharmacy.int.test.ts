import { describe, expect, it } from 'vitest';
import { fhir, transaction, testEngines, useEngine } from '../../../harness.js';
import {
  all,
  auditCount,
  linkedUser,
  ENCOUNTER,
  frontDesk,
  get,
  HIDDEN_PATIENT,
  MA,
  OTHER_ENCOUNTER,
  PATIENT,
  post,
  put_,
  read,
  REVIEWED_URL,
  reviewClinic,
} from './fixtures.js';

const CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';
const CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
const VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const PHARMACY_URL = 'https://medassist.dev/fhir/StructureDefinition/preferred-pharmacy';

function condition(
  id: string,
  text: string,
  category: string,
  clinical: string,
  verification = 'confirmed',
  onset?: string
) {
  return {
    resource: {
      resourceType: 'Condition',
      id,
      clinicalStatus: clinical === '' ? undefined : { coding: [{ system: CLINICAL, code: clinical }] },
      verificationStatus: { coding: [{ system: VERIFICATION, code: verification }] },
      category: [{ coding: [{ system: CATEGORY, code: category }] }],
      code: { text },
      subject: { reference: `Patient/${PATIENT}` },
      onsetDateTime: onset,
    },
    request: { method: 'PUT', url: `Condition/${id}` },
  };
}

describe.each(testEngines())('rooming problem list and pharmacy [%s]', (engine) => {
  const h = useEngine(engine);

  it('the problem list: problem-list items only, active first, then the rest; a reviewed stamp', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'prob');
    const loaded = await transaction(h.app, ctx, [
      condition('c-asthma', 'Asthma', 'problem-list-item', 'resolved', 'confirmed', '2010-01-01'),
      condition('c-htn', 'Hypertension', 'problem-list-item', 'active', 'confirmed', '2015-03-01'),
      condition('c-dm', 'Diabetes mellitus type 2', 'problem-list-item', 'active', 'confirmed', '2019-06-01'),
      condition('c-uri', 'Upper respiratory infection', 'encounter-diagnosis', 'active'),
      condition('c-wrong', 'Gout', 'problem-list-item', '', 'entered-in-error'),
    ]);
    expect(loaded.status, loaded.text).toBe(200);
    const res = await get(h.app, ma, `/api/rooming/patients/${PATIENT}/problems?encounter=${ENCOUNTER}`);
    expect(res.status, res.text).toBe(200);
    // Active (newest onset first: diabetes 2019 before hypertension 2015), then resolved asthma; no visit
    // diagnosis, nothing entered in error.
    expect(res.body.problems.map((p: { id: string }) => p.id)).toEqual(['c-dm', 'c-htn', 'c-asthma']);
    expect(res.body.reviewed).toBeUndefined();
    // The read is audited as the problem list shown, naming the patient.
    expect(await auditCount(h.db, ctx, 'problem list', PATIENT)).toBe(1);

    const stamp = await post(h.app, ma, `/api/rooming/encounters/${ENCOUNTER}/reviewed`, {
      what: 'problems',
    });
    expect(stamp.status, stamp.text).toBe(200);
    const again = await get(h.app, ma, `/api/rooming/patients/${PATIENT}/problems?encounter=${ENCOUNTER}`);
    expect(again.body.reviewed).toMatchObject({ what: 'problems', by: { reference: `Practitioner/${MA}` } });

    // The visit given must be this patient's.
    const wrong = await get(
      h.app,
      ma,
      `/api/rooming/patients/${PATIENT}/problems?encounter=${OTHER_ENCOUNTER}`
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body.issue[0].expression).toEqual(['encounter']);

    const desk = await frontDesk(h.db, ctx);
    expect((await get(h.app, desk, `/api/rooming/patients/${PATIENT}/problems`)).status).toBe(403);
    expect((await get(h.app, ma, `/api/rooming/patients/${HIDDEN_PATIENT}/problems`)).status).toBe(404);
  });

  it('preferred pharmacy: a directory pharmacy or a name; confirming it stamps the visit', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'pharm');
    const orgs = await transaction(h.app, ctx, [
      {
        resource: {
          resourceType: 'Organization',
          id: 'org-corner-rx',
          name: 'Corner Pharmacy',
          type: [
            { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'PHARM' }] },
          ],
          telecom: [{ system: 'phone', value: '(217) 555-0199' }],
        },
        request: { method: 'PUT', url: 'Organization/org-corner-rx' },
      },
      {
        resource: { resourceType: 'Organization', id: 'org-payer', name: 'Prairie Health Plan' },
        request: { method: 'PUT', url: 'Organization/org-payer' },
      },
    ]);
    expect(orgs.status, orgs.text).toBe(200);
    const url = `/api/rooming/patients/${PATIENT}/pharmacy`;

    const before = await get(h.app, ma, `${url}?encounter=${ENCOUNTER}`);
    expect(before.status, before.text).toBe(200);
    expect(before.body.pharmacy).toBeUndefined();
    expect(before.body.choices).toEqual([
      { organizationId: 'org-corner-rx', name: 'Corner Pharmacy', phone: '(217) 555-0199' },
    ]);

    const set = await put_(h.app, ma, url, { organizationId: 'org-corner-rx', encounterId: ENCOUNTER });
    expect(set.status, set.text).toBe(200);
    expect(set.body.pharmacy).toMatchObject({ organizationId: 'org-corner-rx', name: 'Corner Pharmacy' });
    expect(set.body.reviewed).toMatchObject({ what: 'pharmacy', by: { reference: `Practitioner/${MA}` } });
    const patient = await read(h.app, ctx, `Patient/${PATIENT}`);
    expect(patient.extension.filter((e: { url: string }) => e.url === PHARMACY_URL)).toEqual([
      {
        url: PHARMACY_URL,
        valueReference: { reference: 'Organization/org-corner-rx', display: 'Corner Pharmacy' },
      },
    ]);
    const version = patient.meta.versionId;

    // Confirming the same pharmacy at the next look writes no new Patient version, only the stamp.
    const confirm = await put_(h.app, ma, url, { organizationId: 'org-corner-rx', encounterId: ENCOUNTER });
    expect(confirm.status, confirm.text).toBe(200);
    expect((await read(h.app, ctx, `Patient/${PATIENT}`)).meta.versionId).toBe(version);
    const enc = await read(h.app, ctx, `Encounter/${ENCOUNTER}`);
    expect(enc.extension.filter((e: { url: string }) => e.url === REVIEWED_URL)).toHaveLength(2);

    // A pharmacy by name only: a display, no reference.
    const typed = await put_(h.app, ma, url, { name: 'Main Street Drugs' });
    expect(typed.status, typed.text).toBe(200);
    expect(typed.body.pharmacy).toEqual({ name: 'Main Street Drugs' });
    const renamed = await read(h.app, ctx, `Patient/${PATIENT}`);
    expect(renamed.extension.filter((e: { url: string }) => e.url === PHARMACY_URL)).toEqual([
      { url: PHARMACY_URL, valueReference: { display: 'Main Street Drugs' } },
    ]);

    const notPharmacy = await put_(h.app, ma, url, { organizationId: 'org-payer' });
    expect(notPharmacy.status).toBe(400);
    expect(notPharmacy.body.issue[0].expression).toEqual(['organizationId']);
    const otherVisit = await put_(h.app, ma, url, { name: 'X', encounterId: OTHER_ENCOUNTER });
    expect(otherVisit.status).toBe(400);
    expect(otherVisit.body.issue[0].expression).toEqual(['encounterId']);
    const empty = await put_(h.app, ma, url, {});
    expect(empty.status).toBe(400);
    // None of the refused requests changed the Patient.
    expect((await fhir(h.app, ctx, { method: 'GET', url: `Patient/${PATIENT}` })).body.meta.versionId).toBe(
      renamed.meta.versionId
    );

    const desk = await frontDesk(h.db, ctx);
    expect((await put_(h.app, desk, url, { name: 'X' })).status).toBe(403);
    expect((await get(h.app, ma, `/api/rooming/patients/${HIDDEN_PATIENT}/pharmacy`)).status).toBe(404);
  });

  it('"pharmacy reviewed" needs a pharmacy on file (409 naming what, nothing stamped); then it confirms it', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'pharm-rev');
    const REVIEWED = `/api/rooming/encounters/${ENCOUNTER}/reviewed`;
    const stamps = async () =>
      ((await read(h.app, ctx, `Encounter/${ENCOUNTER}`)).extension ?? []).filter(
        (e: { url: string }) => e.url === REVIEWED_URL
      );
    const none = await post(h.app, ma, REVIEWED, { what: 'pharmacy' });
    expect(none.status, none.text).toBe(409);
    expect(none.body.issue[0].expression).toEqual(['what']);
    expect(await stamps()).toEqual([]);
    // Set without a visit (no stamp), then confirmed at this visit as it is.
    const set = await put_(h.app, ma, `/api/rooming/patients/${PATIENT}/pharmacy`, {
      name: 'Main Street Drugs',
    });
    expect(set.status, set.text).toBe(200);
    expect(await stamps()).toEqual([]);
    const confirmed = await post(h.app, ma, REVIEWED, { what: 'pharmacy' });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.reviews.pharmacy).toMatchObject({ by: { reference: `Practitioner/${MA}` } });
    expect(await stamps()).toHaveLength(1);
    // Setting it answers the pharmacy and the directory: audited as shown.
    expect(await auditCount(h.db, ctx, 'preferred pharmacy', PATIENT)).toBe(1);
  });

  it('a new pharmacy: the lead MA adds it to the directory in the same request; an MA may not (403, nothing written)', async () => {
    const { ctx, ma } = await reviewClinic(h.app, h.db, 'pharm-new');
    const url = `/api/rooming/patients/${PATIENT}/pharmacy`;
    const body = { create: { name: 'Riverside Pharmacy', phone: '(217) 555-0142' }, encounterId: ENCOUNTER };
    const refused = await put_(h.app, ma, url, body);
    expect(refused.status, refused.text).toBe(403);
    expect(await all(h.app, ctx, 'Organization')).toEqual([]);
    expect((await read(h.app, ctx, `Patient/${PATIENT}`)).meta.versionId).toBe('1');

    const lead = await linkedUser(h.db, ctx, ['lead-ma'], MA);
    const badPhone = await put_(h.app, lead, url, { create: { name: 'X', phone: 'call me' } });
    expect(badPhone.body.issue[0].expression).toEqual(['create.phone']);
    const created = await put_(h.app, lead, url, body);
    expect(created.status, created.text).toBe(200);
    const orgs = await all(h.app, ctx, 'Organization');
    expect(orgs).toHaveLength(1);
    expect(orgs[0]).toMatchObject({
      name: 'Riverside Pharmacy',
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'PHARM' }] }],
      telecom: [{ system: 'phone', value: '(217) 555-0142' }],
    });
    expect(created.body.pharmacy).toEqual({
      organizationId: orgs[0].id,
      name: 'Riverside Pharmacy',
      phone: '(217) 555-0142',
    });
    // It is now one of the choices, and the visit's pharmacy is confirmed.
    expect(created.body.choices.map((c: { name: string }) => c.name)).toEqual(['Riverside Pharmacy']);
    expect(created.body.reviewed.what).toBe('pharmacy');
  });
});
