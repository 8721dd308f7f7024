import type { Coverage, DocumentReference, Organization, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { DOCUMENT_CATEGORY_SYSTEM } from '../../auth/accessMatrix.js';
import { badRequest } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database } from '../../store/db.js';
import { planCreate, Repository } from '../../store/repository.js';
import { applyWrites, type PendingWrite } from '../../store/writes.js';
import { attachment, image, type ImageInput } from './images.js';
import {
  asBody,
  birthDate,
  date,
  id,
  money,
  oneOf,
  optionalBody,
  optionalText,
  text,
  todayOf,
} from './input.js';
import { clinicToday } from '../flow/clinicZone.js';
import { displayName } from './matches.js';

/**
 * Insurance captured at the desk: a Coverage (payer, member id, group, plan, subscriber and relationship,
 * co-pay) and the card's front and back as administrative DocumentReferences, in one transaction.
 */
export const RELATIONSHIPS = ['self', 'spouse', 'child', 'other'] as const;
const RELATIONSHIP_DISPLAY = { self: 'Self', spouse: 'Spouse', child: 'Child', other: 'Other' } as const;

export interface CoverageInput {
  patientId: string;
  payer: { id: string } | { name: string };
  memberId: string;
  group?: string;
  plan?: string;
  relationship: (typeof RELATIONSHIPS)[number];
  subscriber?: { family: string; given: string; birthDate?: string };
  copay?: number;
  start?: string;
  cardFront?: ImageInput;
  cardBack?: ImageInput;
}

export function parseCoverage(body: unknown, now: Date): CoverageInput {
  const b = asBody(body);
  const payer = asBody(b.payer ?? {}, 'payer');
  const payerRef =
    payer.id !== undefined && payer.id !== null && payer.id !== ''
      ? { id: id(payer.id, 'payer.id') }
      : payer.name !== undefined
        ? { name: text(payer.name, 'payer.name', 200) }
        : (() => {
            throw badRequest("payer is required: choose one of the practice's payers", 'payer.id');
          })();
  const relationship = oneOf(b.relationship ?? 'self', 'relationship', RELATIONSHIPS);
  const sub = optionalBody(b.subscriber, 'subscriber');
  if (relationship !== 'self' && !sub) {
    throw badRequest(
      'the subscriber (policy holder) is required when the patient is not the subscriber',
      'subscriber'
    );
  }
  return {
    patientId: id(b.patientId, 'patientId'),
    payer: payerRef,
    memberId: text(b.memberId, 'memberId', 64),
    group: optionalText(b.group, 'group', 64),
    plan: optionalText(b.plan, 'plan', 100),
    relationship,
    subscriber:
      relationship !== 'self' && sub
        ? {
            family: text(sub.family, 'subscriber.family', 100),
            given: text(sub.given, 'subscriber.given', 100),
            birthDate:
              sub.birthDate === undefined || sub.birthDate === ''
                ? undefined
                : birthDate(sub.birthDate, 'subscriber.birthDate', todayOf(now)),
          }
        : undefined,
    copay: b.copay === undefined || b.copay === null || b.copay === '' ? undefined : money(b.copay, 'copay'),
    start: b.start === undefined || b.start === '' ? undefined : date(b.start, 'start'),
    cardFront: b.cardFront ? image(b.cardFront, 'cardFront') : undefined,
    cardBack: b.cardBack ? image(b.cardBack, 'cardBack') : undefined,
  };
}

/** An administrative document of the patient (insurance card, signed consent): what the front desk may write. */
export function adminDocument(
  patientId: string,
  category: 'insurance-card' | 'consent',
  title: string,
  img: ImageInput,
  when: string,
  related?: string
): PendingWrite {
  const doc: DocumentReference = {
    resourceType: 'DocumentReference',
    status: 'current',
    type: { text: title },
    category: [
      {
        coding: [
          {
            system: DOCUMENT_CATEGORY_SYSTEM,
            code: category,
            display: category === 'consent' ? 'Consent' : 'Insurance card',
          },
        ],
      },
    ],
    subject: { reference: `Patient/${patientId}` },
    date: when,
    description: title,
    content: [{ attachment: attachment(img, title, when) }],
    ...(related ? { context: { related: [{ reference: related }] } } : {}),
  };
  return planCreate(doc);
}

export interface CapturedCoverage {
  coverage: Coverage;
  documents: DocumentReference[];
  payer: Organization;
}

export async function captureCoverage(
  db: Database,
  ctx: RequestContext,
  input: CoverageInput,
  at = new Date()
): Promise<CapturedCoverage> {
  return db.transaction(async (tx) => {
    const repo = new Repository(tx);
    const patient = (await repo.read(ctx, 'Patient', input.patientId)) as Patient;
    const writes: PendingWrite[] = [];
    let payer: Organization;
    if ('id' in input.payer) {
      const found = await repo.read(ctx, 'Organization', input.payer.id).catch(() => undefined);
      const isPayer = (found as Organization | undefined)?.type?.some((t) =>
        t.coding?.some((c) => c.code === 'pay')
      );
      if (!found || !isPayer) {
        throw badRequest(
          `payer Organization/${input.payer.id} is not one of the practice's payers`,
          'payer.id'
        );
      }
      payer = found as Organization;
    } else {
      const write = planCreate({
        resourceType: 'Organization',
        active: true,
        type: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/organization-type',
                code: 'pay',
                display: 'Payer',
              },
            ],
            text: 'Payer',
          },
        ],
        name: input.payer.name,
      });
      writes.push(write);
      payer = write.content as Organization;
    }
    let subscriberRef = { reference: `Patient/${patient.id}`, display: displayName(patient.name) };
    if (input.subscriber) {
      const person: RelatedPerson = {
        resourceType: 'RelatedPerson',
        active: true,
        patient: { reference: `Patient/${patient.id}` },
        relationship: [
          {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
                code: input.relationship === 'spouse' ? 'SPS' : input.relationship === 'child' ? 'PRN' : 'O',
                display:
                  input.relationship === 'spouse'
                    ? 'spouse'
                    : input.relationship === 'child'
                      ? 'parent'
                      : 'other',
              },
            ],
            text: 'Insurance subscriber',
          },
        ],
        name: [{ family: input.subscriber.family, given: [input.subscriber.given] }],
        ...(input.subscriber.birthDate ? { birthDate: input.subscriber.birthDate } : {}),
      };
      const write = planCreate(person);
      writes.push(write);
      subscriberRef = {
        reference: `RelatedPerson/${write.id}`,
        display: `${input.subscriber.given} ${input.subscriber.family}`,
      };
    }
    const now = at.toISOString();
    // Covered from the clinic's today unless the desk gives a start (UTC's date is tomorrow from 18:00 CST).
    const start = input.start ?? (await clinicToday(tx, ctx.practiceId, at));
    const coverage: Coverage = {
      resourceType: 'Coverage',
      status: 'active',
      subscriber: subscriberRef,
      subscriberId: input.memberId,
      beneficiary: { reference: `Patient/${patient.id}` },
      relationship: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship',
            code: input.relationship,
            display: RELATIONSHIP_DISPLAY[input.relationship],
          },
        ],
        text: RELATIONSHIP_DISPLAY[input.relationship],
      },
      period: { start },
      payor: [{ reference: `Organization/${payer.id}`, display: payer.name }],
      ...(input.group || input.plan
        ? {
            class: [
              ...(input.group
                ? [{ type: classType('group', 'Group'), value: input.group, name: payer.name }]
                : []),
              ...(input.plan
                ? [{ type: classType('plan', 'Plan'), value: input.plan, name: input.plan }]
                : []),
            ],
          }
        : {}),
      ...(input.copay !== undefined
        ? {
            costToBeneficiary: [
              {
                type: {
                  coding: [
                    {
                      system: 'http://terminology.hl7.org/CodeSystem/coverage-copay-type',
                      code: 'copay',
                      display: 'Copay Amount',
                    },
                  ],
                },
                valueMoney: { value: input.copay, currency: 'USD' },
              },
            ],
          }
        : {}),
    };
    const coverageWrite = planCreate(coverage);
    writes.push(coverageWrite);
    const related = `Coverage/${coverageWrite.id}`;
    if (input.cardFront) {
      writes.push(
        adminDocument(
          patient.id ?? '',
          'insurance-card',
          'Insurance card (front)',
          input.cardFront,
          now,
          related
        )
      );
    }
    if (input.cardBack) {
      writes.push(
        adminDocument(
          patient.id ?? '',
          'insurance-card',
          'Insurance card (back)',
          input.cardBack,
          now,
          related
        )
      );
    }
    await applyWrites(tx, ctx, writes);
    return {
      coverage: coverageWrite.content as Coverage,
      documents: writes
        .filter((w) => w.resourceType === 'DocumentReference')
        .map((w) => w.content as DocumentReference),
      payer,
    };
  });
}

function classType(code: string, display: string) {
  return { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code, display }] };
}
