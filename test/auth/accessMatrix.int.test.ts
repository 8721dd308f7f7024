import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_MATRIX,
  ADMIN_DOCUMENT_CATEGORIES,
  CLINICAL_DOCUMENT_CATEGORIES,
  CONFIDENTIALITY_SYSTEM,
  DATA_GROUPS,
  DOCUMENT_CATEGORY_SYSTEM,
  EMERGENCY_ACCESS_MINUTES,
  ROLES,
  type DataGroup,
  type GroupName,
  type Role,
} from '../../src/auth/accessMatrix.js';
import { auditRow } from '../../src/auth/audit/events.js';
import { insertAudit } from '../../src/auth/audit/writer.js';
import { PRIVACY_NOTICE_CATEGORY } from '../../src/auth/emergency.js';
import { systemPrincipal } from '../../src/auth/principal.js';
import { asUser, signedInUser, type TestUser } from '../authHarness.js';
import {
  countOf,
  fhir,
  newPractice,
  testEngines,
  tokenFor,
  useEngine,
  type TestContext,
} from '../harness.js';

/**
 * The access matrix (src/auth/accessMatrix.ts) through the HTTP API: one test per cell (role x data group
 * x read/write/delete), its expectation read from the matrix itself, then the rules around it: the
 * DocumentReference category split, chains and includes into other types, other practices, client scopes,
 * restricted charts and emergency access.
 */

type Cell = 'read' | 'write' | 'delete';
const LETTER = { read: 'r', write: 'w', delete: 'd' } as const;
const GROUPS = Object.keys(DATA_GROUPS) as GroupName[];

const CLINICAL_NOTE_CATEGORY = {
  system: 'http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category',
  code: 'clinical-note',
};
const text = (s: string): string => Buffer.from(s).toString('base64');

/** A clinical note (the notes group: no administrative category). */
function clinicalNote(title = 'Progress note'): Resource {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '11506-3', display: 'Progress note' }] },
    category: [{ coding: [CLINICAL_NOTE_CATEGORY] }],
    description: title,
    content: [{ attachment: { contentType: 'text/plain', data: text('Seen today for follow-up.') } }],
  };
}

/** An insurance card image (the adminDocuments group). */
function insuranceCard(title = 'Insurance card, front'): Resource {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    category: [{ coding: [{ system: DOCUMENT_CATEGORY_SYSTEM, code: 'insurance-card' }] }],
    description: title,
    content: [{ attachment: { contentType: 'image/png', data: text('not really a png') } }],
  };
}

/** A Consent in a document category (a procedure consent is `procedure-consent`, a desk consent `consent`). */
function consentIn(code: string, patient = 'matrix-patient'): Resource {
  return {
    resourceType: 'Consent',
    status: 'active',
    scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'treatment' }] },
    category: [{ coding: [{ system: DOCUMENT_CATEGORY_SYSTEM, code }] }],
    patient: { reference: `Patient/${patient}` },
    dateTime: '2026-11-27T14:00:00Z',
    policyRule: { text: 'Informed consent' },
  };
}

/** One representative resource of each data group (the groups' first type, or the category's own). */
const SAMPLES: Record<GroupName, () => Resource> = {
  demographics: () => ({
    resourceType: 'Patient',
    name: [{ family: 'Okafor', given: ['Ada'] }],
    birthDate: '1984-02-29',
  }),
  directory: () => ({ resourceType: 'Practitioner', name: [{ family: 'Lindqvist', given: ['Eva'] }] }),
  scheduling: () => ({
    resourceType: 'Appointment',
    status: 'booked',
    start: '2026-12-01T09:00:00Z',
    end: '2026-12-01T09:20:00Z',
    participant: [{ actor: { reference: 'Patient/matrix-patient' }, status: 'accepted' }],
  }),
  visits: () => ({
    resourceType: 'Encounter',
    status: 'planned',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: 'Patient/matrix-patient' },
  }),
  coverage: () => ({
    resourceType: 'Coverage',
    status: 'active',
    beneficiary: { reference: 'Patient/matrix-patient' },
    payor: [{ display: 'Acme Health Plan' }],
  }),
  billing: () => ({ resourceType: 'Account', status: 'active', name: 'Self-pay balance' }),
  deskPayments: () => ({
    resourceType: 'PaymentNotice',
    status: 'active',
    created: '2026-11-27T15:00:00Z',
    payment: { display: 'Co-pay collected at the front desk' },
    recipient: { display: 'Test practice' },
    amount: { value: 25, currency: 'USD' },
  }),
  diagnoses: () => ({
    resourceType: 'Condition',
    subject: { reference: 'Patient/matrix-patient' },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '38341003', display: 'Hypertension' }] },
  }),
  clinical: () => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
    subject: { reference: 'Patient/matrix-patient' },
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  }),
  notes: () => clinicalNote(),
  adminDocuments: () => insuranceCard(),
  messages: () => ({
    resourceType: 'Communication',
    status: 'completed',
    payload: [{ contentString: 'Please call the office.' }],
  }),
  definitions: () => ({ resourceType: 'Questionnaire', status: 'active', title: 'Intake questionnaire' }),
  audit: () => ({
    resourceType: 'AuditEvent',
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest' },
    recorded: '2026-11-01T10:00:00Z',
    agent: [{ who: { display: 'an earlier system' }, requestor: true }],
    source: { observer: { display: 'an earlier system' } },
  }),
};

/** Whether any of the role's groups holding `type` grants `letter`: the union a user of that role gets. */
function anyGroupGrants(role: Role, type: string, letter: 'r' | 'w' | 'd'): boolean {
  return GROUPS.some(
    (name) =>
      (DATA_GROUPS[name].types as readonly string[]).includes(type) &&
      ACCESS_MATRIX[role][name].includes(letter)
  );
}

const cells = ROLES.flatMap((role) =>
  GROUPS.flatMap((group) =>
    (['read', 'write', 'delete'] as Cell[]).map((action) => {
      const allowed = ACCESS_MATRIX[role][group].includes(LETTER[action]);
      return { role, group, action, allowed, expected: allowed ? 'allowed' : 'denied' };
    })
  )
);

/** An extension that makes an update a real change (a new version). */
const changed = (resource: Resource): Resource =>
  ({ ...resource, extension: [{ url: 'urn:medassist:test', valueString: 'changed' }] }) as Resource;

const idsOf = (bundle: { entry?: { resource?: Resource; search?: { mode?: string } }[] }): string[] =>
  (bundle.entry ?? []).filter((e) => e.search?.mode !== 'outcome').map((e) => e.resource?.id as string);

function expectForbidden(res: { status: number; body: unknown }): void {
  expect(res.status).toBe(403);
  expect((res.body as { resourceType?: string }).resourceType).toBe('OperationOutcome');
  expect((res.body as { issue: { code: string }[] }).issue[0].code).toBe('forbidden');
}

describe.each(testEngines())('access matrix, one test per cell [%s]', (engine) => {
  const h = useEngine(engine);
  // One practice and one signed-in user per role for the 234 cells (hashing a password at 600,000 PBKDF2
  // iterations per test would dominate the run); every test makes its own resources in it.
  let ctx: TestContext;
  // The practice's client, also granted the audit trail by name (a wildcard scope never reaches it).
  let observer: TestContext;
  const users = new Map<Role, TestUser>();
  beforeAll(async () => {
    ctx = await newPractice(h.db, 'matrix');
    observer = await tokenFor(h.db, ctx, 'system/*.cruds system/AuditEvent.rs');
    for (const role of ROLES) {
      users.set(role, await signedInUser(h.db, ctx, [role]));
    }
  });

  /**
   * Makes the group's sample with the practice's full-access client. AuditEvent is never written through
   * the API: its sample is a record medassist itself writes to the audit trail (read as AuditEvent/<seq>).
   */
  async function seed(group: GroupName): Promise<Resource> {
    const sample = SAMPLES[group]();
    if (sample.resourceType === 'AuditEvent') {
      const subtype = `matrix-test-${randomUUID()}`;
      await insertAudit(h.db, ctx.practiceId, [
        auditRow({ principal: systemPrincipal(ctx.practiceId, 'matrix-test'), action: 'E', subtype }),
      ]);
      const row = await h.db.query<{ seq: string | number }>(
        'SELECT seq FROM audit_event WHERE practice_id = $1 AND subtype = $2',
        [ctx.practiceId, subtype]
      );
      return { ...sample, id: String(row.rows[0].seq), subtype: [{ code: subtype }] };
    }
    const created = await fhir(h.app, ctx, { method: 'POST', url: sample.resourceType, body: sample });
    expect(created.status).toBe(201);
    return created.body as Resource;
  }

  /** A search that finds exactly this resource. */
  const searchFor = (resource: Resource): string =>
    resource.resourceType === 'AuditEvent'
      ? `AuditEvent?subtype=${(resource as { subtype: { code: string }[] }).subtype[0].code}`
      : `${resource.resourceType}?_id=${resource.id}`;

  /**
   * What the practice's client sees: the resource's status and version, and how many of its type there are
   * (not for AuditEvent: every request, this one included, adds to the audit trail).
   */
  async function clientView(resource: Resource) {
    const type = resource.resourceType;
    const read = await fhir(h.app, observer, { method: 'GET', url: `${type}/${resource.id}` });
    const count = type === 'AuditEvent' ? undefined : await countOf(h.app, observer, type);
    return { status: read.status, version: read.body?.meta?.versionId as string, total: count };
  }

  it.each(cells)('$role, $group, $action: $expected', async ({ role, group, action, allowed }) => {
    const who = users.get(role) as TestUser;
    const resource = await seed(group);
    const type = resource.resourceType;
    const before = await clientView(resource);
    expect(before.status).toBe(200);

    if (action === 'read') {
      const read = await asUser(h.app, who, { method: 'GET', url: `${type}/${resource.id}` });
      const search = await asUser(h.app, who, { method: 'GET', url: searchFor(resource) });
      if (allowed) {
        expect(read.status).toBe(200);
        expect(read.body.id).toBe(resource.id);
        expect(search.status).toBe(200);
        expect(idsOf(search.body)).toEqual([resource.id]);
      } else {
        expectForbidden(read);
        if (anyGroupGrants(role, type, 'r')) {
          // The role reads the type through another group (a category): the search runs, without this row.
          expect(search.status).toBe(200);
          expect(idsOf(search.body)).toEqual([]);
        } else {
          expectForbidden(search);
        }
      }
    } else if (action === 'write') {
      const created = await asUser(h.app, who, { method: 'POST', url: type, body: SAMPLES[group]() });
      const updated = await asUser(h.app, who, {
        method: 'PUT',
        url: `${type}/${resource.id}`,
        body: changed(resource),
      });
      if (allowed) {
        expect(created.status).toBe(201);
        expect(updated.status).toBe(200);
        expect(updated.body.meta.versionId).toBe('2');
        const after = await clientView(resource);
        expect(after.total).toBe((before.total as number) + 1);
        expect(after.version).toBe('2');
      } else {
        expectForbidden(created);
        expectForbidden(updated);
        expect(await clientView(resource)).toEqual(before);
      }
    } else {
      const deleted = await asUser(h.app, who, { method: 'DELETE', url: `${type}/${resource.id}` });
      if (allowed) {
        expect(deleted.status).toBe(204);
        expect((await clientView(resource)).status).toBe(410);
      } else {
        expectForbidden(deleted);
        expect(await clientView(resource)).toEqual(before);
      }
    }
  });
});

describe.each(testEngines())('access rules around the matrix [%s]', (engine) => {
  const h = useEngine(engine);

  const create = async (ctx: TestContext, resource: Resource): Promise<string> => {
    const res = await fhir(h.app, ctx, { method: 'POST', url: resource.resourceType, body: resource });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it('front desk: insurance cards yes, clinical notes never (read, search, paging, total, writes)', async () => {
    const ctx = await newPractice(h.db, 'docs');
    const cards = [];
    const notes = [];
    // Interleaved, so every page of an unfiltered search would mix both kinds.
    for (let i = 0; i < 4; i++) {
      cards.push(await create(ctx, insuranceCard(`card ${i}`)));
      notes.push(await create(ctx, clinicalNote(`note ${i}`)));
      notes.push(await create(ctx, clinicalNote(`note ${i}b`)));
    }
    const desk = await signedInUser(h.db, ctx, ['front-desk']);

    const card = await asUser(h.app, desk, { method: 'GET', url: `DocumentReference/${cards[0]}` });
    expect(card.status).toBe(200);
    const note = await asUser(h.app, desk, { method: 'GET', url: `DocumentReference/${notes[0]}` });
    expectForbidden(note);
    expect(note.body.issue[0].expression).toEqual(['DocumentReference.category']);

    // Paging with _count=2: every page holds only insurance cards, the total counts only them.
    const seen: string[] = [];
    let url: string | undefined = 'DocumentReference?_count=2&_total=accurate';
    let pages = 0;
    while (url) {
      const page = await asUser(h.app, desk, { method: 'GET', url });
      expect(page.status).toBe(200);
      if (pages === 0) {
        expect(page.body.total).toBe(cards.length);
      }
      const ids = idsOf(page.body);
      expect(ids.length).toBeLessThanOrEqual(2);
      for (const id of ids) {
        expect(cards).toContain(id);
      }
      seen.push(...ids);
      const next = (page.body.link as { relation: string; url: string }[]).find((l) => l.relation === 'next');
      url = next ? next.url.replace(/^http:\/\/test\/fhir\/R4\//, '') : undefined;
      pages++;
      expect(pages).toBeLessThan(10);
    }
    expect(seen.sort()).toEqual([...cards].sort());
    // The same through POST _search, and with a category filter naming clinical notes.
    const posted = await asUser(h.app, desk, {
      method: 'POST',
      url: 'DocumentReference/_search',
      body: '_count=100',
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(posted.status).toBe(200);
    expect(idsOf(posted.body).sort()).toEqual([...cards].sort());
    const asked = await asUser(h.app, desk, {
      method: 'GET',
      url: `DocumentReference?category=${CLINICAL_NOTE_CATEGORY.code}&_total=accurate`,
    });
    expect(asked.status).toBe(200);
    expect(asked.body.total).toBe(0);
    expect(idsOf(asked.body)).toEqual([]);

    // Writes: an insurance card is created and updated; a clinical note is refused and nothing is stored.
    const newCard = await asUser(h.app, desk, {
      method: 'POST',
      url: 'DocumentReference',
      body: insuranceCard(),
    });
    expect(newCard.status).toBe(201);
    const cardUpdate = await asUser(h.app, desk, {
      method: 'PUT',
      url: `DocumentReference/${newCard.body.id}`,
      body: { ...newCard.body, description: 'Insurance card, back' },
    });
    expect(cardUpdate.status).toBe(200);
    const total = () => countOf(h.app, ctx, 'DocumentReference');
    const before = await total();
    const newNote = await asUser(h.app, desk, {
      method: 'POST',
      url: 'DocumentReference',
      body: clinicalNote(),
    });
    expectForbidden(newNote);
    expect(newNote.body.issue[0].expression).toEqual(['DocumentReference.category']);
    // Relabelling a note as an insurance card, or a card as a note, is refused too.
    const relabel = await asUser(h.app, desk, {
      method: 'PUT',
      url: `DocumentReference/${notes[0]}`,
      body: { ...insuranceCard(), id: notes[0] },
    });
    expectForbidden(relabel);
    const hide = await asUser(h.app, desk, {
      method: 'PUT',
      url: `DocumentReference/${cards[1]}`,
      body: { ...clinicalNote(), id: cards[1] },
    });
    expectForbidden(hide);
    expect(await total()).toBe(before);
    const noteNow = await fhir(h.app, ctx, { method: 'GET', url: `DocumentReference/${notes[0]}` });
    expect(noteNow.body.meta.versionId).toBe('1');
    const cardNow = await fhir(h.app, ctx, { method: 'GET', url: `DocumentReference/${cards[1]}` });
    expect(cardNow.body.meta.versionId).toBe('1');
    // Every administrative category is the front desk's, each alone.
    for (const code of ADMIN_DOCUMENT_CATEGORIES) {
      const doc = {
        ...insuranceCard(),
        category: [{ coding: [{ system: DOCUMENT_CATEGORY_SYSTEM, code }] }],
      };
      expect(
        (await asUser(h.app, desk, { method: 'POST', url: 'DocumentReference', body: doc })).status
      ).toBe(201);
    }
    // No clinical category is: a procedure consent, as a Consent or as its document, is refused.
    for (const code of CLINICAL_DOCUMENT_CATEGORIES) {
      const doc = {
        ...insuranceCard(),
        category: [{ coding: [{ system: DOCUMENT_CATEGORY_SYSTEM, code }] }],
      };
      expectForbidden(await asUser(h.app, desk, { method: 'POST', url: 'DocumentReference', body: doc }));
      expectForbidden(await asUser(h.app, desk, { method: 'POST', url: 'Consent', body: consentIn(code) }));
    }
  });

  it('a procedure consent is clinical (notes), a desk consent administrative: who reads which', async () => {
    const ctx = await newPractice(h.db, 'consents');
    const procedureConsent = await create(ctx, consentIn('procedure-consent'));
    const deskConsent = await create(ctx, consentIn('consent'));
    // Hand-worked from the matrix: notes r for MA, lead MA, provider; adminDocuments r for all six.
    const expected: Record<Role, { procedure: boolean; desk: boolean }> = {
      'front-desk': { procedure: false, desk: true },
      'medical-assistant': { procedure: true, desk: true },
      'lead-ma': { procedure: true, desk: true },
      provider: { procedure: true, desk: true },
      biller: { procedure: false, desk: true },
      'practice-admin': { procedure: false, desk: true },
    };
    for (const role of ROLES) {
      const who = await signedInUser(h.db, ctx, [role]);
      const read = async (id: string) =>
        (await asUser(h.app, who, { method: 'GET', url: `Consent/${id}` })).status;
      expect(await read(procedureConsent), `${role}, procedure consent`).toBe(
        expected[role].procedure ? 200 : 403
      );
      expect(await read(deskConsent), `${role}, desk consent`).toBe(expected[role].desk ? 200 : 403);
      const search = await asUser(h.app, who, { method: 'GET', url: 'Consent?_count=100' });
      expect(search.status).toBe(200);
      expect(idsOf(search.body).sort(), role).toEqual(
        [...(expected[role].procedure ? [procedureConsent] : []), deskConsent].sort()
      );
    }
  });

  it('a chain or _has into a type the role cannot read is 403; the same search is fine for a role that can', async () => {
    const ctx = await newPractice(h.db, 'chain');
    const patient = await create(ctx, SAMPLES.demographics());
    await create(ctx, { ...SAMPLES.clinical(), subject: { reference: `Patient/${patient}` } } as Resource);
    const desk = await signedInUser(h.db, ctx, ['front-desk']);
    const ma = await signedInUser(h.db, ctx, ['medical-assistant']);
    for (const url of [
      'Patient?_has:Observation:patient:code=8867-4',
      'Encounter?diagnosis:Condition.code=38341003',
      'Patient?_has:Observation:patient:_has:DiagnosticReport:result:status=final',
      'Encounter?diagnosis:Condition.subject:Patient.name=Okafor',
      'Patient?_has:Encounter:patient:_has:Condition:encounter:code=38341003',
    ]) {
      const res = await asUser(h.app, desk, { method: 'GET', url });
      expect(res.status, url).toBe(403);
      expectForbidden(res);
    }
    const allowed = await asUser(h.app, ma, {
      method: 'GET',
      url: 'Patient?_has:Observation:patient:code=8867-4',
    });
    expect(allowed.status).toBe(200);
    expect(idsOf(allowed.body)).toEqual([patient]);
    // POST _search is held to the same rule.
    const posted = await asUser(h.app, desk, {
      method: 'POST',
      url: 'Patient/_search',
      body: '_has:Observation:patient:code=8867-4',
      contentType: 'application/x-www-form-urlencoded',
    });
    expectForbidden(posted);
  });

  it('_include and _revinclude of a type the role cannot read leave it out', async () => {
    const ctx = await newPractice(h.db, 'include');
    const patient = await create(ctx, SAMPLES.demographics());
    const condition = await create(ctx, {
      ...SAMPLES.diagnoses(),
      subject: { reference: `Patient/${patient}` },
    } as Resource);
    const encounter = await create(ctx, {
      ...SAMPLES.visits(),
      subject: { reference: `Patient/${patient}` },
      diagnosis: [{ condition: { reference: `Condition/${condition}` } }],
    } as Resource);
    const observation = await create(ctx, {
      ...SAMPLES.clinical(),
      subject: { reference: `Patient/${patient}` },
    } as Resource);
    const desk = await signedInUser(h.db, ctx, ['front-desk']);
    const provider = await signedInUser(h.db, ctx, ['provider']);
    const include = `Encounter?_id=${encounter}&_include=Encounter:diagnosis&_include=Encounter:subject`;
    const revinclude = `Patient?_id=${patient}&_revinclude=Observation:subject`;

    const full = await asUser(h.app, provider, { method: 'GET', url: include });
    expect(idsOf(full.body).sort()).toEqual([condition, encounter, patient].sort());
    const deskView = await asUser(h.app, desk, { method: 'GET', url: include });
    expect(deskView.status).toBe(200);
    expect(idsOf(deskView.body).sort()).toEqual([encounter, patient].sort());

    expect(idsOf((await asUser(h.app, provider, { method: 'GET', url: revinclude })).body).sort()).toEqual(
      [observation, patient].sort()
    );
    const deskRev = await asUser(h.app, desk, { method: 'GET', url: revinclude });
    expect(deskRev.status).toBe(200);
    expect(idsOf(deskRev.body)).toEqual([patient]);
  });

  it("another practice's resource by id is 404 for its users and clients (no leak)", async () => {
    const mine = await newPractice(h.db, 'mine');
    const theirs = await newPractice(h.db, 'theirs');
    const patient = await create(theirs, SAMPLES.demographics());
    const observation = await create(theirs, {
      ...SAMPLES.clinical(),
      subject: { reference: `Patient/${patient}` },
    } as Resource);
    const provider = await signedInUser(h.db, mine, ['provider']);
    for (const url of [`Patient/${patient}`, `Observation/${observation}`, `Patient/${patient}/_history`]) {
      const asProvider = await asUser(h.app, provider, { method: 'GET', url });
      expect(asProvider.status, url).toBe(404);
      expect(asProvider.body.resourceType).toBe('OperationOutcome');
      const asClient = await fhir(h.app, mine, { method: 'GET', url });
      expect(asClient.status, url).toBe(404);
    }
    for (const url of [`Patient?_id=${patient}`, `Observation?subject=Patient/${patient}`]) {
      expect(idsOf((await asUser(h.app, provider, { method: 'GET', url })).body)).toEqual([]);
      expect(idsOf((await fhir(h.app, mine, { method: 'GET', url })).body)).toEqual([]);
    }
    // Their own practice still sees it.
    expect((await fhir(h.app, theirs, { method: 'GET', url: `Patient/${patient}` })).status).toBe(200);
  });

  it('API clients are held to their SMART scopes', async () => {
    const ctx = await newPractice(h.db, 'scopes');
    const patient = await create(ctx, SAMPLES.demographics());
    const observation = await create(ctx, {
      ...SAMPLES.clinical(),
      subject: { reference: `Patient/${patient}` },
    } as Resource);
    const patientsOnly = await tokenFor(h.db, ctx, 'system/Patient.rs');
    const observationsOnly = await tokenFor(h.db, ctx, 'system/Observation.rs');
    const count = () => countOf(h.app, ctx, 'Patient');
    const before = await count();

    expect((await fhir(h.app, patientsOnly, { method: 'GET', url: `Patient/${patient}` })).status).toBe(200);
    expect((await fhir(h.app, patientsOnly, { method: 'GET', url: 'Patient' })).status).toBe(200);
    expectForbidden(
      await fhir(h.app, patientsOnly, { method: 'POST', url: 'Patient', body: SAMPLES.demographics() })
    );
    expectForbidden(
      await fhir(h.app, patientsOnly, {
        method: 'PUT',
        url: `Patient/${patient}`,
        body: { ...SAMPLES.demographics(), id: patient, gender: 'female' },
      })
    );
    expectForbidden(await fhir(h.app, patientsOnly, { method: 'DELETE', url: `Patient/${patient}` }));
    expectForbidden(await fhir(h.app, patientsOnly, { method: 'GET', url: `Observation/${observation}` }));
    expectForbidden(await fhir(h.app, patientsOnly, { method: 'GET', url: 'Observation' }));
    expectForbidden(
      await fhir(h.app, patientsOnly, { method: 'GET', url: 'Patient?_has:Observation:patient:code=8867-4' })
    );

    expectForbidden(await fhir(h.app, observationsOnly, { method: 'GET', url: 'Patient' }));
    expectForbidden(await fhir(h.app, observationsOnly, { method: 'GET', url: `Patient/${patient}` }));
    expectForbidden(
      await fhir(h.app, observationsOnly, { method: 'GET', url: 'Observation?subject:Patient.name=Okafor' })
    );
    const obs = await fhir(h.app, observationsOnly, { method: 'GET', url: `Observation?_id=${observation}` });
    expect(idsOf(obs.body)).toEqual([observation]);
    // _include of Patient is left out for a client without Patient scopes.
    const withPatient = await fhir(h.app, observationsOnly, {
      method: 'GET',
      url: `Observation?_id=${observation}&_include=Observation:subject`,
    });
    expect(idsOf(withPatient.body)).toEqual([observation]);

    expect(await count()).toBe(before);
    expect((await fhir(h.app, ctx, { method: 'GET', url: `Patient/${patient}` })).body.meta.versionId).toBe(
      '1'
    );
  });

  it('AuditEvent cannot be written by any client, not even with every scope', async () => {
    const ctx = await newPractice(h.db, 'audit');
    const res = await fhir(h.app, ctx, { method: 'POST', url: 'AuditEvent', body: SAMPLES.audit() });
    expectForbidden(res);
    const named = await tokenFor(h.db, ctx, 'system/AuditEvent.cruds');
    expectForbidden(await fhir(h.app, named, { method: 'POST', url: 'AuditEvent', body: SAMPLES.audit() }));
    // Reading it needs a scope naming it: the wildcard client may not.
    expectForbidden(await fhir(h.app, ctx, { method: 'GET', url: 'AuditEvent' }));
    expect((await fhir(h.app, named, { method: 'GET', url: 'AuditEvent' })).status).toBe(200);
  });
});

describe.each(testEngines())('restricted charts and emergency access [%s]', (engine) => {
  // The app runs on a clock the test moves: the grant expires after EMERGENCY_ACCESS_MINUTES.
  let clock = new Date();
  const h = useEngine(engine, { now: () => clock });

  const RESTRICTED = { system: CONFIDENTIALITY_SYSTEM, code: 'R' };

  async function chart(ctx: TestContext, family: string, restricted: boolean) {
    const patient = await fhir(h.app, ctx, {
      method: 'POST',
      url: 'Patient',
      body: {
        resourceType: 'Patient',
        ...(restricted ? { meta: { security: [RESTRICTED] } } : {}),
        name: [{ family, given: ['Test'] }],
        birthDate: '1990-05-05',
      },
    });
    expect(patient.status).toBe(201);
    const observations: string[] = [];
    for (let i = 0; i < 2; i++) {
      const obs = await fhir(h.app, ctx, {
        method: 'POST',
        url: 'Observation',
        body: { ...SAMPLES.clinical(), subject: { reference: `Patient/${patient.body.id}` } },
      });
      expect(obs.status).toBe(201);
      observations.push(obs.body.id as string);
    }
    return { patient: patient.body.id as string, observations };
  }

  /** Every id a user's search finds, following `next` links page by page; and the first page's total. */
  async function searchAll(who: TestUser, first: string): Promise<{ ids: string[]; total: number }> {
    const ids: string[] = [];
    let url: string | undefined = first;
    let total = -1;
    for (let pages = 0; url && pages < 50; pages++) {
      const page = await asUser(h.app, who, { method: 'GET', url });
      expect(page.status).toBe(200);
      if (pages === 0) {
        total = page.body.total as number;
      }
      ids.push(...idsOf(page.body));
      const next = (page.body.link as { relation: string; url: string }[]).find((l) => l.relation === 'next');
      url = next?.url.replace(/^http:\/\/test\/fhir\/R4\//, '');
    }
    return { ids, total };
  }

  it('a restricted chart is absent from searches and 404 to a provider; 403 suppressed with the permission', async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'restricted');
    const hidden = await chart(ctx, 'Hidden', true);
    const open = [await chart(ctx, 'Open', false), await chart(ctx, 'Plain', false)];
    const provider = await signedInUser(h.db, ctx, ['provider'], [], clock);
    const doctor = await signedInUser(h.db, ctx, ['provider'], ['emergency-access'], clock);

    for (const who of [provider, doctor]) {
      const patients = await searchAll(who, 'Patient?_count=1&_total=accurate');
      expect(patients.ids.sort()).toEqual(open.map((c) => c.patient).sort());
      expect(patients.total).toBe(open.length);
      const observations = await searchAll(who, 'Observation?_count=2&_total=accurate');
      expect(observations.ids.sort()).toEqual(open.flatMap((c) => c.observations).sort());
      expect(observations.total).toBe(4);
      const byPatient = await asUser(h.app, who, {
        method: 'GET',
        url: `Observation?subject=Patient/${hidden.patient}`,
      });
      expect(idsOf(byPatient.body)).toEqual([]);
      const named = await asUser(h.app, who, { method: 'GET', url: 'Patient?name=Hidden' });
      expect(idsOf(named.body)).toEqual([]);
    }
    for (const url of [`Patient/${hidden.patient}`, `Observation/${hidden.observations[0]}`]) {
      const notFound = await asUser(h.app, provider, { method: 'GET', url });
      expect(notFound.status, url).toBe(404);
      expect(notFound.body.issue[0].code).toBe('not-found');
      const suppressed = await asUser(h.app, doctor, { method: 'GET', url });
      expect(suppressed.status, url).toBe(403);
      expect(suppressed.body.resourceType).toBe('OperationOutcome');
      expect(suppressed.body.issue[0].code).toBe('suppressed');
    }
    // The practice's API client (a system) still sees it.
    expect((await fhir(h.app, ctx, { method: 'GET', url: `Patient/${hidden.patient}` })).status).toBe(200);
    // A provider cannot write into the chart either: it does not exist for them.
    const write = await asUser(h.app, provider, {
      method: 'POST',
      url: 'Observation',
      body: { ...SAMPLES.clinical(), subject: { reference: `Patient/${hidden.patient}` } },
    });
    expect(write.status).toBe(404);
  });

  it(`emergency access opens the chart for ${EMERGENCY_ACCESS_MINUTES} minutes, audited and notified`, async () => {
    clock = new Date();
    const ctx = await newPractice(h.db, 'glass');
    const hidden = await chart(ctx, 'Hidden', true);
    const doctor = await signedInUser(h.db, ctx, ['provider'], ['emergency-access'], clock);
    const other = await signedInUser(h.db, ctx, ['provider'], [], clock);
    const reason = 'Unconscious patient in the waiting room, needs allergy list';

    const refused = await asUser(h.app, other, {
      method: 'POST',
      url: '/auth/emergency-access',
      body: { patientId: hidden.patient, reason },
      contentType: 'application/json',
    });
    expectForbidden(refused);
    const short = await asUser(h.app, doctor, {
      method: 'POST',
      url: '/auth/emergency-access',
      body: { patientId: hidden.patient, reason: 'urgent' },
      contentType: 'application/json',
    });
    expect(short.status).toBe(400);
    expect(short.body.issue[0].expression).toEqual(['reason']);
    const grantsBefore = await h.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM emergency_access WHERE practice_id = $1',
      [ctx.practiceId]
    );
    expect(Number(grantsBefore.rows[0].n)).toBe(0);

    const granted = await asUser(h.app, doctor, {
      method: 'POST',
      url: '/auth/emergency-access',
      body: { patientId: hidden.patient, reason },
      contentType: 'application/json',
    });
    expect(granted.status).toBe(200);
    expect(granted.body.patientId).toBe(hidden.patient);
    expect(new Date(granted.body.expiresAt).getTime()).toBe(
      clock.getTime() + EMERGENCY_ACCESS_MINUTES * 60_000
    );

    const read = await asUser(h.app, doctor, { method: 'GET', url: `Patient/${hidden.patient}` });
    expect(read.status).toBe(200);
    expect(
      (await asUser(h.app, doctor, { method: 'GET', url: `Observation/${hidden.observations[0]}` })).status
    ).toBe(200);
    const found = await asUser(h.app, doctor, {
      method: 'GET',
      url: `Observation?subject=Patient/${hidden.patient}`,
    });
    expect(idsOf(found.body).sort()).toEqual([...hidden.observations].sort());
    // Only for that user: the other provider still gets 404.
    expect((await asUser(h.app, other, { method: 'GET', url: `Patient/${hidden.patient}` })).status).toBe(
      404
    );

    // A high-priority audit event (purpose: emergency treatment) naming the patient, and a notice.
    const audit = await h.db.query<{
      user_id: string;
      patient_ids: string[];
      event: { purposeOfEvent?: unknown };
    }>(
      "SELECT user_id, patient_ids, event FROM audit_event WHERE practice_id = $1 AND subtype = 'emergency-access'",
      [ctx.practiceId]
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].user_id).toBe(doctor.user.id);
    expect(audit.rows[0].patient_ids).toEqual([hidden.patient]);
    expect(JSON.stringify(audit.rows[0].event.purposeOfEvent)).toContain('ETREAT');
    const notices = await fhir(h.app, ctx, {
      method: 'GET',
      url: `Communication?category=${PRIVACY_NOTICE_CATEGORY.system}|${PRIVACY_NOTICE_CATEGORY.code}`,
    });
    expect(notices.status).toBe(200);
    expect(idsOf(notices.body)).toHaveLength(1);
    expect(JSON.stringify(notices.body.entry[0].resource)).toContain(hidden.patient);

    // Still open just before the end (the session kept alive by requests less than 15 minutes apart)...
    const step = 14 * 60_000;
    const start = clock.getTime();
    for (let i = 1; i <= 4; i++) {
      clock = new Date(start + i * step);
      expect((await asUser(h.app, doctor, { method: 'GET', url: `Patient/${hidden.patient}` })).status).toBe(
        200
      );
    }
    // ...and closed after EMERGENCY_ACCESS_MINUTES: the chart is suppressed again.
    clock = new Date(start + EMERGENCY_ACCESS_MINUTES * 60_000 + 1000);
    const after = await asUser(h.app, doctor, { method: 'GET', url: `Patient/${hidden.patient}` });
    expect(after.status).toBe(403);
    expect(after.body.issue[0].code).toBe('suppressed');
    const search = await asUser(h.app, doctor, {
      method: 'GET',
      url: `Observation?subject=Patient/${hidden.patient}`,
    });
    expect(idsOf(search.body)).toEqual([]);
  });
});

// Keeps the test honest about the groups it samples: each sample belongs to its group.
describe('the samples', () => {
  it('no document category is both administrative and clinical', () => {
    const admin: readonly string[] = ADMIN_DOCUMENT_CATEGORIES;
    expect(CLINICAL_DOCUMENT_CATEGORIES.filter((c) => admin.includes(c))).toEqual([]);
    expect([...CLINICAL_DOCUMENT_CATEGORIES]).toContain('procedure-consent');
  });

  it.each(GROUPS)('%s: the sample is of a type of the group, in its category', (group) => {
    const sample = SAMPLES[group]();
    const g: DataGroup = DATA_GROUPS[group];
    expect(g.types).toContain(sample.resourceType);
    const codes = JSON.stringify((sample as { category?: unknown }).category ?? []);
    if (g.category) {
      expect(g.category.codes.some((c) => codes.includes(`"${c}"`))).toBe(true);
    } else {
      expect(ADMIN_DOCUMENT_CATEGORIES.some((c) => codes.includes(`"${c}"`))).toBe(false);
    }
  });
});
