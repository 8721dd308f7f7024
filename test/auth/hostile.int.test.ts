import fc from 'fast-check';
import type { Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/api/auth/authenticate.js';
import { totpCode } from '../../src/auth/totp.js';
import type { User } from '../../src/auth/users.js';
import {
  asUser,
  newUser,
  sessionCookie,
  signedInUser,
  TEST_PASSWORD,
  type TestUser,
} from '../authHarness.js';
import { fhir, injectJson, newPractice, testEngines, useEngine, type TestContext } from '../harness.js';

/**
 * Hostile input, generated (fast-check): SQL-injection strings, oversized and malformed values in every
 * kind of search parameter and in the sign-in fields. Whatever arrives, the answer is a clear 4xx or a
 * normal 200; never a 5xx, never a stack trace or database error text; and nothing changes (no rows
 * added, changed or removed, beyond the audit record of a search that ran; no session made).
 */

const NUM_RUNS = 40;

/** Classic injection payloads, for PostgreSQL and for our own query builder (placeholders, casts, JSON). */
const INJECTIONS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'; DROP TABLE resource; --",
  "'); DELETE FROM audit_event; --",
  '1; UPDATE resource SET deleted = true; --',
  "x' UNION SELECT content::text FROM resource --",
  "'||(SELECT string_agg(content::text, '') FROM resource)||'",
  '$1',
  '$2::text',
  '$$; DROP TABLE search_index; $$',
  "E'\\x00'",
  "'; SELECT pg_sleep(10); --",
  '\\',
  "\\'",
  '"; --',
  '%',
  '_',
  '%_%',
  '*',
  '::jsonb',
  "'::timestamptz",
  '{"v":[1],"dir":"next"}',
  '\u0000',
  'a\u0000b',
  '\uFEFF',
  '\u202E',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e999999',
  '-0',
  '0x10',
  '9'.repeat(400),
  `0.${'1'.repeat(2000)}`,
  '2026-13-45',
  '2026-02-30T25:61:61Z',
  '99999-01-01',
  '-infinity',
  'infinity',
  'Patient/../../etc/passwd',
  'http://evil.example/fhir/Patient/1',
  'Patient/',
  '/',
  '|',
  '||',
  'a|b|c|d',
  ':::',
  ',,,',
  'ge',
  'gt',
  'ap',
  'eq-',
  '|mg',
  '5||',
  '5|http://unitsofmeasure.org|',
  '<script>alert(1)</script>',
];

/** Values percent-encoded already: invalid UTF-8, lone surrogates, bare percent signs. */
const RAW_ENCODED = ['%ED%A0%80', '%FF%FE%FD', '%00', '%', '%zz', '%C0%AF', '%E2%82', '%25%', '%2'];

/** A query-string value, percent-encoded (a lone surrogate becomes U+FFFD, as a browser would send it). */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  }
}

/** Hostile strings: injections, random text of every kind, oversized text, numbers and dates gone wrong. */
const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ minLength: 3000, maxLength: 12_000 }),
  fc.constantFrom('x', "'", '9', '%').map((c) => c.repeat(20_000)),
  fc.tuple(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 10 })).map(([a, b]) => a + b),
  fc.double().map(String),
  fc.bigInt().map(String),
  fc
    .date({ noInvalidDate: false })
    .map((d) => (Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString())),
  fc
    .tuple(
      fc.constantFrom('eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap', 'zz'),
      fc.constantFrom(...INJECTIONS)
    )
    .map(([prefix, v]) => prefix + v)
);

/** Forged paging cursors, shaped like ours (a list of sort values and a direction) but holding anything. */
const forgedCursor: fc.Arbitrary<string> = fc
  .record({
    v: fc.array(
      fc.oneof(
        fc.jsonValue(),
        hostileText,
        fc.constantFrom('infinity', '-infinity', '2026-01-01T00:00:00Z', 'NaN', '')
      ),
      { minLength: 1, maxLength: 3 }
    ),
    dir: fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom('next', 'prev') },
      { weight: 1, arbitrary: fc.string() }
    ),
  })
  .map((c) => encode(Buffer.from(JSON.stringify(c)).toString('base64url')));

/** A percent-encoded hostile value: hostile text, raw encodings, or a forged paging cursor. */
const hostileValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: hostileText.map(encode) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_ENCODED) },
  { weight: 3, arbitrary: forgedCursor }
);

/**
 * A search parameter of each kind: [kind, resource type, parameter (with modifier or chain), and the rest of
 * the query it is sent with].
 */
const PARAMETERS: [string, string, string, string?][] = [
  ['string', 'Patient', 'name'],
  ['string', 'Patient', 'family:exact'],
  ['string', 'Patient', 'address:contains'],
  ['token', 'Patient', 'identifier'],
  ['token', 'Patient', 'gender'],
  ['token', 'Observation', 'code'],
  ['token', 'Observation', 'code:not'],
  ['token', 'Observation', 'code:text'],
  ['token', 'Patient', 'identifier:of-type'],
  ['reference', 'Observation', 'subject'],
  ['reference', 'Observation', 'subject:Patient'],
  ['reference', 'Observation', 'subject:Patient.name'],
  ['reference', 'Patient', '_has:Observation:patient:code'],
  ['date', 'Patient', 'birthdate'],
  ['date', 'Observation', 'date'],
  ['date', 'Patient', '_lastUpdated'],
  ['number', 'RiskAssessment', 'probability'],
  ['quantity', 'Observation', 'value-quantity'],
  ['uri', 'Questionnaire', 'url'],
  ['uri', 'ValueSet', 'url:below'],
  ['missing', 'Patient', 'name:missing'],
  ['_id', 'Patient', '_id'],
  ['_id', 'Observation', '_id'],
  ['_sort', 'Patient', '_sort'],
  ['_sort', 'Observation', '_sort'],
  ['_count', 'Patient', '_count'],
  ['_count', 'Observation', '_count'],
  ['_cursor', 'Patient', '_cursor'],
  ['_cursor', 'Observation', '_cursor'],
  ['_cursor', 'Patient', '_cursor', '_sort=birthdate&'],
  ['_cursor', 'Patient', '_cursor', '_sort=-_lastUpdated&'],
  ['_cursor', 'Observation', '_cursor', '_sort=-date,code,value-quantity&'],
  ['_include', 'Observation', '_include'],
  ['_revinclude', 'Patient', '_revinclude'],
  ['_elements', 'Patient', '_elements'],
  ['_summary', 'Patient', '_summary'],
  ['_total', 'Patient', '_total'],
];

/** Signs of an internal error leaking: a stack frame, a source path, the database's own error text. */
const LEAK =
  /\n\s+at |node_modules|\/src\/|\.ts:\d+|\.js:\d+:\d+|syntax error at or near|SQLSTATE|pg_catalog|relation "|column "|invalid input syntax/i;

const sample = (overrides: Partial<Record<string, unknown>>, type: string): Resource =>
  ({ resourceType: type, ...overrides }) as Resource;

describe.each(testEngines())('hostile input [%s]', (engine) => {
  const h = useEngine(engine);
  let ctx: TestContext;
  let provider: TestUser;
  /** Ids of this practice's resources by type, and of another practice's (which must never show). */
  const ours = new Map<string, Set<string>>();
  const theirs = new Set<string>();

  beforeAll(async () => {
    ctx = await newPractice(h.db, 'hostile');
    const other = await newPractice(h.db, 'bystander');
    provider = await signedInUser(h.db, ctx, ['provider']);
    const seed = async (practice: TestContext, resource: Resource): Promise<string> => {
      const res = await fhir(h.app, practice, { method: 'POST', url: resource.resourceType, body: resource });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    for (const practice of [ctx, other]) {
      const record = (type: string, id: string): void => {
        if (practice === ctx) {
          ours.set(type, (ours.get(type) ?? new Set()).add(id));
        } else {
          theirs.add(id);
        }
      };
      for (const [family, birthDate] of [
        ["O'Brien", '1970-01-01'],
        ['Smith', '2001-09-11'],
        ['Muñoz', '1985-06-15'],
      ]) {
        const patient = await seed(
          practice,
          sample(
            {
              name: [{ family, given: ['Pat'] }],
              birthDate,
              gender: 'female',
              identifier: [{ system: 'urn:mrn', value: `MRN-${family}` }],
              address: [{ line: ['1 Main St'], city: 'Springfield' }],
            },
            'Patient'
          )
        );
        record('Patient', patient);
        const observation = await seed(
          practice,
          sample(
            {
              status: 'final',
              code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }], text: 'Body weight' },
              subject: { reference: `Patient/${patient}` },
              effectiveDateTime: '2026-11-02T10:00:00Z',
              valueQuantity: { value: 70.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
            },
            'Observation'
          )
        );
        record('Observation', observation);
      }
      record(
        'RiskAssessment',
        await seed(
          practice,
          sample(
            {
              status: 'final',
              subject: { reference: 'Patient/x' },
              prediction: [{ probabilityDecimal: 0.2 }],
            },
            'RiskAssessment'
          )
        )
      );
      record(
        'Questionnaire',
        await seed(
          practice,
          sample({ status: 'active', url: 'http://example.org/q/intake' }, 'Questionnaire')
        )
      );
    }
  });

  /** Rows of this practice per table, and the audit trail's end (its last seq and hash). */
  async function snapshot() {
    const count = async (table: string): Promise<number> =>
      Number(
        (
          await h.db.query<{ n: string | number }>(
            `SELECT count(*) AS n FROM ${table} WHERE practice_id = $1`,
            [ctx.practiceId]
          )
        ).rows[0].n
      );
    const last = await h.db.query<{ seq: string | number; hash: string }>(
      'SELECT seq, hash FROM audit_event WHERE practice_id = $1 ORDER BY seq DESC LIMIT 1',
      [ctx.practiceId]
    );
    return {
      resource: await count('resource'),
      versions: await count('resource_version'),
      index: await count('search_index'),
      sessions: await count('user_session'),
      audit: await count('audit_event'),
      lastSeq: Number(last.rows[0]?.seq ?? 0),
      lastHash: last.rows[0]?.hash ?? '',
    };
  }

  /** The audit records written after `seq`: only a search's own record may appear. */
  async function auditSince(seq: number): Promise<string[]> {
    const rows = await h.db.query<{ subtype: string }>(
      'SELECT subtype FROM audit_event WHERE practice_id = $1 AND seq > $2 ORDER BY seq',
      [ctx.practiceId, seq]
    );
    return rows.rows.map((r) => r.subtype);
  }

  /** What a hostile search may answer: 200 with a normal Bundle of our own rows, or a clear 4xx. */
  function expectCalm(
    res: { status: number; body: unknown; text: string },
    type: string,
    what: string
  ): void {
    expect(res.status, what).toBeLessThan(500);
    expect(res.status, what).toBeGreaterThanOrEqual(200);
    expect(res.text, what).not.toMatch(LEAK);
    const body = res.body as {
      resourceType?: string;
      entry?: { resource?: Resource; search?: { mode?: string } }[];
    };
    if (res.status === 200) {
      expect(body.resourceType, what).toBe('Bundle');
      for (const entry of body.entry ?? []) {
        const resource = entry.resource as Resource;
        expect(theirs.has(resource.id as string), what).toBe(false);
        if (entry.search?.mode === 'match') {
          expect(resource.resourceType, what).toBe(type);
          expect(ours.get(type)?.has(resource.id as string), what).toBe(true);
        }
      }
    } else {
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expect(body.resourceType, what).toBe('OperationOutcome');
    }
  }

  /** One search as the practice's client or its provider, by GET or by POST _search. */
  async function search(
    who: 'client' | 'user',
    method: 'GET' | 'POST',
    type: string,
    query: string
  ): Promise<{ status: number; body: unknown; text: string }> {
    const call =
      method === 'GET'
        ? { method, url: `${type}?${query}` }
        : { method, url: `${type}/_search`, body: query, contentType: 'application/x-www-form-urlencoded' };
    if (who === 'user') {
      return asUser(h.app, provider, call);
    }
    const res = await fhir(h.app, ctx, call);
    return { ...res, text: JSON.stringify(res.body ?? '') };
  }

  it('every kind of search parameter takes hostile values calmly and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PARAMETERS),
        hostileValue,
        fc.constantFrom('client' as const, 'user' as const),
        fc.constantFrom('GET' as const, 'POST' as const),
        async ([kind, type, param, rest], value, who, method) => {
          const before = await snapshot();
          const query = `${rest ?? ''}${param}=${value}`;
          const res = await search(who, method, type, query);
          const what = `${kind} ${method} ${type}?${query.slice(0, 200)} as ${who}: ${res.status} ${res.text.slice(0, 300)}`;
          expectCalm(res, type, what);
          const after = await snapshot();
          expect({ ...after, audit: 0, lastSeq: 0, lastHash: '' }, what).toEqual({
            ...before,
            audit: 0,
            lastSeq: 0,
            lastHash: '',
          });
          // The audit trail only grew, by the search's own record when it ran.
          const added = await auditSince(before.lastSeq);
          expect(added, what).toEqual(res.status === 200 ? ['search-type'] : []);
          expect(after.audit, what).toBe(before.audit + added.length);
          const kept = await h.db.query<{ hash: string }>(
            'SELECT hash FROM audit_event WHERE practice_id = $1 AND seq = $2',
            [ctx.practiceId, before.lastSeq]
          );
          expect(kept.rows[0]?.hash ?? '', what).toBe(before.lastHash);
        }
      ),
      { numRuns: NUM_RUNS * 2 }
    );
  });

  it('forged paging cursors are refused calmly, whatever the sort', async () => {
    const cursors = PARAMETERS.filter(([kind]) => kind === '_cursor');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cursors), forgedCursor, async ([, type, param, rest], value) => {
        const query = `${rest ?? ''}${param}=${value}`;
        const res = await search('client', 'GET', type, query);
        expectCalm(res, type, `GET ${type}?${query.slice(0, 300)}: ${res.status} ${res.text.slice(0, 300)}`);
      }),
      { numRuns: NUM_RUNS }
    );
  });

  it('several hostile parameters at once, and hostile parameter names, are calm too', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('Patient', 'Observation'),
        fc.array(
          fc.tuple(
            fc.oneof(
              fc.constantFrom(...PARAMETERS.map(([, , p]) => p)),
              hostileText.filter((t) => t.length < 500)
            ),
            hostileValue
          ),
          { minLength: 1, maxLength: 6 }
        ),
        fc.constantFrom('client' as const, 'user' as const),
        async (type, pairs, who) => {
          const before = await snapshot();
          const query = pairs.map(([name, value]) => `${encode(name)}=${value}`).join('&');
          const res = await search(who, 'GET', type, query);
          const what = `GET ${type}?${query.slice(0, 200)} as ${who}: ${res.status} ${res.text.slice(0, 300)}`;
          expectCalm(res, type, what);
          const after = await snapshot();
          expect(after.resource, what).toBe(before.resource);
          expect(after.versions, what).toBe(before.versions);
          expect(after.index, what).toBe(before.index);
          expect(await auditSince(before.lastSeq), what).toEqual(res.status === 200 ? ['search-type'] : []);
        }
      ),
      { numRuns: NUM_RUNS }
    );
  });

  it('hostile ids in read, vread and history are calm', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileValue,
        fc.constantFrom('', '/_history', '/_history/1', '/_history/'),
        async (id, suffix) => {
          const before = await snapshot();
          const res = await fhir(h.app, ctx, { method: 'GET', url: `Patient/${id}${suffix}` });
          const text = JSON.stringify(res.body ?? '');
          const what = `GET Patient/${id.slice(0, 100)}${suffix}: ${res.status} ${text.slice(0, 300)}`;
          expect(res.status, what).toBeLessThan(500);
          expect(text, what).not.toMatch(LEAK);
          if (res.status >= 400) {
            expect(res.body?.resourceType, what).toBe('OperationOutcome');
          }
          const after = await snapshot();
          expect(after.resource, what).toBe(before.resource);
          expect(after.versions, what).toBe(before.versions);
        }
      ),
      { numRuns: NUM_RUNS }
    );
  });

  describe('sign-in fields', () => {
    let user: User;
    let mfaUser: User;
    let mfaSecret: string;
    let waiting: string;
    let attempt = 0;
    /** A fresh address per attempt: the per-address limit must not turn every answer into 429. */
    const address = (): string => {
      attempt++;
      return `172.16.${Math.floor(attempt / 250)}.${(attempt % 250) + 1}`;
    };

    beforeAll(async () => {
      user = await newUser(h.db, ctx, ['front-desk']);
      mfaUser = await newUser(h.db, ctx, ['practice-admin']);
      // Enrol the administrator's second factor through the API.
      const first = await signInRaw({ username: mfaUser.username, password: TEST_PASSWORD }, address());
      expect(first.status).toBe(200);
      const cookie = first.cookie as string;
      const enrol = await h.app.inject({
        method: 'POST',
        url: '/auth/mfa/enrol',
        headers: { cookie: `${SESSION_COOKIE}=${cookie}`, 'content-type': 'application/json' },
        payload: '{}',
      });
      mfaSecret = (JSON.parse(enrol.body) as { secret: string }).secret;
      const confirm = await h.app.inject({
        method: 'POST',
        url: '/auth/mfa/enrol/confirm',
        headers: { cookie: `${SESSION_COOKIE}=${cookie}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ code: totpCode(mfaSecret) }),
      });
      expect(confirm.statusCode).toBe(200);
      // A session waiting for its second factor, which every run of the TOTP property tries to finish.
      const second = await signInRaw({ username: mfaUser.username, password: TEST_PASSWORD }, address());
      expect(second.body?.stage).toBe('mfa');
      waiting = second.cookie as string;
    });

    async function signInRaw(body: unknown, remoteAddress: string, contentType = 'application/json') {
      const res = await injectJson(h.app, {
        method: 'POST',
        url: '/auth/sign-in',
        remoteAddress,
        contentType,
        body,
      });
      return {
        status: res.status,
        text: res.text,
        body: res.body as { resourceType?: string; stage?: string } | undefined,
        cookie: sessionCookie(res.headers),
      };
    }

    /** Clears lock-outs the property's own wrong attempts caused, so each run meets the same account. */
    const unlock = () =>
      h.db.query('UPDATE app_user SET failed_sign_ins = 0, locked_until = NULL WHERE practice_id = $1', [
        ctx.practiceId,
      ]);

    /** Any JSON value, with hostile strings weighted in. */
    const hostileField: fc.Arbitrary<unknown> = fc.oneof(
      { weight: 5, arbitrary: hostileText },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      { weight: 1, arbitrary: fc.constantFrom(null, 0, -1, true, [], {}, ['admin'], { $ne: '' }) }
    );

    it('username and password: 400 or 401, never a session', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(hostileField, fc.constant('known')),
          hostileField,
          fc.boolean(),
          async (username, password, extra) => {
            await unlock();
            const before = await snapshot();
            const body = {
              username: username === 'known' ? user.username : username,
              password,
              ...(extra ? { [`${String(username).slice(0, 20)}`]: password, role: 'practice-admin' } : {}),
            };
            const res = await signInRaw(body, address());
            const what = `sign-in ${JSON.stringify(body).slice(0, 300)}: ${res.status} ${res.text.slice(0, 300)}`;
            expect([400, 401], what).toContain(res.status);
            expect(res.body?.resourceType, what).toBe('OperationOutcome');
            expect(res.text, what).not.toMatch(LEAK);
            expect(res.cookie, what).toBeUndefined();
            const after = await snapshot();
            expect(after.sessions, what).toBe(before.sessions);
            expect(after.resource, what).toBe(before.resource);
          }
        ),
        { numRuns: NUM_RUNS }
      );
    });

    it('malformed sign-in bodies: 400, never a session', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            hostileText,
            fc.jsonValue().map((v) => JSON.stringify(v)),
            fc.constantFrom(
              '{',
              '{"username":',
              '[]',
              'null',
              '"x"',
              '{"username":"a","password":"b"'.repeat(1000)
            )
          ),
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'text/plain',
            'application/x-www-form-urlencoded'
          ),
          async (payload, contentType) => {
            const before = await snapshot();
            const res = await signInRaw(payload, address(), contentType);
            const what = `sign-in body ${payload.slice(0, 200)} (${contentType}): ${res.status} ${res.text.slice(0, 300)}`;
            expect(res.status, what).toBeGreaterThanOrEqual(400);
            expect(res.status, what).toBeLessThan(500);
            expect(res.text, what).not.toMatch(LEAK);
            expect(res.cookie, what).toBeUndefined();
            expect((await snapshot()).sessions, what).toBe(before.sessions);
          }
        ),
        { numRuns: NUM_RUNS }
      );
    });

    it('TOTP and recovery codes: 400 or 401, the session never signed in', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(hostileField, fc.stringMatching(/^\d{6}$/), fc.stringMatching(/^ ?\d{6} ?$/)),
          fc.constantFrom('code', 'recoveryCode'),
          async (value, field) => {
            const now = Date.now();
            const valid = [-30_000, 0, 30_000].map((d) => totpCode(mfaSecret, now + d));
            fc.pre(typeof value !== 'string' || !valid.includes(value.trim()));
            await unlock();
            const at = address();
            const before = await snapshot();
            const res = await h.app.inject({
              method: 'POST',
              url: '/auth/mfa/verify',
              remoteAddress: at,
              headers: { cookie: `${SESSION_COOKIE}=${waiting}`, 'content-type': 'application/json' },
              payload: JSON.stringify({ [field]: value }),
            });
            const what = `${field} ${JSON.stringify(value).slice(0, 200)}: ${res.statusCode} ${res.body.slice(0, 300)}`;
            expect([400, 401], what).toContain(res.statusCode);
            expect(res.body, what).not.toMatch(LEAK);
            expect(res.headers['set-cookie'], what).toBeUndefined();
            expect((await snapshot()).sessions, what).toBe(before.sessions);
            // The session is still waiting for its second factor: nothing else answers.
            const fhirCall = await h.app.inject({
              method: 'GET',
              url: '/fhir/R4/Patient',
              headers: { cookie: `${SESSION_COOKIE}=${waiting}` },
            });
            expect(fhirCall.statusCode, what).toBe(401);
          }
        ),
        { numRuns: NUM_RUNS }
      );
    });
  });
});
