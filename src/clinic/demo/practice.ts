/**
 * The practice: Riverbend Family Medicine, its two sites and exam rooms, providers and staff, payers and schedules.
 */
import type {
  Extension,
  Location,
  Organization,
  Practitioner,
  PractitionerRole,
  Reference,
  Resource,
  Schedule,
  Slot,
} from '@medplum/fhirtypes';
import { AVAILABILITY_URL } from '../scheduling/availability.js';
import type { ClinicClock } from './clock.js';
import { SYSTEM, coding, concept } from './codes.js';

export const PRACTICE_ID = 'demo-org-riverbend';
export const PRACTICE_REF: Reference<Organization> = {
  reference: `Organization/${PRACTICE_ID}`,
  display: 'Riverbend Family Medicine',
};
export const STATE = 'TX';

export interface SiteDef {
  readonly key: 'main' | 'oak';
  readonly id: string;
  readonly name: string;
  readonly line: string;
  readonly city: string;
  readonly postalCode: string;
  readonly phone: string;
  readonly rooms: number;
}

export const SITES: readonly SiteDef[] = [
  {
    key: 'main',
    id: 'demo-loc-main',
    name: 'Riverbend Family Medicine - Main Clinic',
    line: '1200 River Bend Parkway',
    city: 'Riverbend',
    postalCode: '75001',
    phone: '(512) 555-0100',
    rooms: 6,
  },
  {
    key: 'oak',
    id: 'demo-loc-oak',
    name: 'Riverbend Family Medicine - Oak Hollow',
    line: '48 Oak Hollow Road, Suite B',
    city: 'Oak Hollow',
    postalCode: '75002',
    phone: '(512) 555-0150',
    rooms: 4,
  },
];

export type SiteKey = SiteDef['key'];

export function siteRef(site: SiteDef): Reference<Location> {
  return { reference: `Location/${site.id}`, display: site.name };
}

export function roomId(site: SiteDef, room: number): string {
  return `${site.id}-exam-${room}`;
}

export function roomRef(site: SiteDef, room: number): Reference<Location> {
  return { reference: `Location/${roomId(site, room)}`, display: `Exam ${room}` };
}

type Role = 'provider' | 'lead-ma' | 'ma' | 'front-desk' | 'biller';

export interface StaffDef {
  readonly id: string;
  readonly given: string;
  readonly family: string;
  readonly gender: 'male' | 'female';
  readonly role: Role;
  /** Degree for providers (v2-0360). */
  readonly degree?: 'MD' | 'DO' | 'NP' | 'PA';
  /** Where they work on Monday..Friday (index 0 = Monday). */
  readonly week: readonly [SiteKey, SiteKey, SiteKey, SiteKey, SiteKey];
}

const MAIN = 'main' as const;
const OAK = 'oak' as const;

export const STAFF: readonly StaffDef[] = [
  {
    id: 'demo-prac-01',
    given: 'Eleanor',
    family: 'Whitfield',
    gender: 'female',
    role: 'provider',
    degree: 'MD',
    week: [MAIN, MAIN, MAIN, MAIN, MAIN],
  },
  {
    id: 'demo-prac-02',
    given: 'Marcus',
    family: 'Okonkwo-Reyes',
    gender: 'male',
    role: 'provider',
    degree: 'DO',
    week: [MAIN, MAIN, MAIN, OAK, OAK],
  },
  {
    id: 'demo-prac-03',
    given: 'Priya',
    family: 'Venkataraman',
    gender: 'female',
    role: 'provider',
    degree: 'NP',
    week: [OAK, OAK, OAK, MAIN, MAIN],
  },
  {
    id: 'demo-prac-04',
    given: 'Tobias',
    family: 'Lindgren',
    gender: 'male',
    role: 'provider',
    degree: 'PA',
    week: [OAK, OAK, OAK, OAK, OAK],
  },
  {
    id: 'demo-prac-05',
    given: 'Rosalind',
    family: 'Achterberg',
    gender: 'female',
    role: 'lead-ma',
    week: [MAIN, MAIN, OAK, MAIN, MAIN],
  },
  {
    id: 'demo-prac-06',
    given: 'Yesenia',
    family: 'Calderón',
    gender: 'female',
    role: 'ma',
    week: [MAIN, MAIN, MAIN, MAIN, MAIN],
  },
  {
    id: 'demo-prac-07',
    given: 'Jamal',
    family: 'Pettigrew',
    gender: 'male',
    role: 'ma',
    week: [OAK, OAK, OAK, OAK, OAK],
  },
  {
    id: 'demo-prac-08',
    given: 'Bethany',
    family: 'Quist',
    gender: 'female',
    role: 'front-desk',
    week: [MAIN, MAIN, MAIN, MAIN, MAIN],
  },
  {
    id: 'demo-prac-09',
    given: 'Luis',
    family: 'Navarrete',
    gender: 'male',
    role: 'front-desk',
    week: [OAK, OAK, OAK, OAK, OAK],
  },
  {
    id: 'demo-prac-10',
    given: 'Gwendolyn',
    family: 'Farraday',
    gender: 'female',
    role: 'biller',
    week: [MAIN, MAIN, MAIN, MAIN, MAIN],
  },
];

export const PROVIDERS = STAFF.filter((staff) => staff.role === 'provider');
/** Staff who room patients and take vitals. */
export const MEDICAL_ASSISTANTS = STAFF.filter((staff) => staff.role === 'ma' || staff.role === 'lead-ma');

export function staffName(staff: StaffDef): string {
  return staff.degree ? `${staff.given} ${staff.family}, ${staff.degree}` : `${staff.given} ${staff.family}`;
}

export function staffRef(staff: StaffDef): Reference<Practitioner> {
  return { reference: `Practitioner/${staff.id}`, display: staffName(staff) };
}

export function siteByKey(key: SiteKey): SiteDef {
  const site = SITES.find((candidate) => candidate.key === key);
  if (!site) {
    throw new Error(`Unknown site ${key}`);
  }
  return site;
}

/** Staff of a role at a site on a weekday (1 = Monday ... 5 = Friday). */
export function staffAt(site: SiteKey, weekday: number, roles: readonly Role[]): StaffDef[] {
  return STAFF.filter((staff) => roles.includes(staff.role) && staff.week[weekday - 1] === site);
}

export interface PayerDef {
  readonly id: string;
  readonly name: string;
  /** Source of Payment Typology code and display. */
  readonly sop: readonly [string, string];
  readonly plan: string;
}

export const PAYERS = {
  commercial: {
    id: 'demo-org-payer-bluestem',
    name: 'Bluestem Health Plan',
    sop: ['5', 'PRIVATE HEALTH INSURANCE'],
    plan: 'Bluestem PPO 2000',
  },
  medicaid: {
    id: 'demo-org-payer-cardinal',
    name: 'Cardinal Community Care',
    sop: ['2', 'MEDICAID'],
    plan: 'Cardinal STAR Medicaid',
  },
  medicare: {
    id: 'demo-org-payer-heartland',
    name: 'Heartland Senior Advantage',
    sop: ['1', 'MEDICARE'],
    plan: 'Heartland Advantage HMO',
  },
} as const satisfies Record<string, PayerDef>;

// practitioner-role has codes for doctors and nurses only; the other occupations are SNOMED CT.
function roleCoding(staff: StaffDef): readonly [string, string, string] {
  switch (staff.role) {
    case 'provider':
      if (staff.degree === 'NP') return [SYSTEM.snomed, '224571005', 'Nurse practitioner'];
      if (staff.degree === 'PA') return [SYSTEM.snomed, '449161006', 'Physician assistant'];
      return [SYSTEM.practitionerRole, 'doctor', 'Doctor'];
    case 'lead-ma':
    case 'ma':
      return [SYSTEM.snomed, '22515006', 'Medical assistant'];
    case 'front-desk':
      return [SYSTEM.snomed, '394572006', 'Medical secretary'];
    case 'biller':
      return [SYSTEM.snomed, '1251542004', 'Medical coder'];
  }
}

const ROLE_TITLES: Record<Role, string> = {
  provider: 'Provider',
  'lead-ma': 'Lead medical assistant',
  ma: 'Medical assistant',
  'front-desk': 'Front desk',
  biller: 'Biller',
};

const DEGREES = {
  MD: 'Doctor of Medicine',
  DO: 'Doctor of Osteopathy',
  NP: 'Nurse practitioner',
  PA: 'Physician Assistant',
} as const;

/** The practice resources, in the order they must be written (Organizations before what points at them). */
export function practiceResources(clock: ClinicClock): Resource[] {
  const resources: Resource[] = [practiceOrganization(), ...Object.values(PAYERS).map(payerOrganization)];
  for (const site of SITES) {
    resources.push(siteLocation(site, clock.timeZone));
    for (let room = 1; room <= site.rooms; room++) {
      resources.push(roomLocation(site, room));
    }
  }
  for (const staff of STAFF) {
    resources.push(practitioner(staff), practitionerRole(staff));
  }
  resources.push(...schedules(clock));
  return resources;
}

function practiceOrganization(): Organization {
  const main = SITES[0];
  return {
    resourceType: 'Organization',
    id: PRACTICE_ID,
    active: true,
    type: [concept(SYSTEM.organizationType, 'prov', 'Healthcare Provider')],
    name: 'Riverbend Family Medicine',
    telecom: [{ system: 'phone', value: main.phone, use: 'work' }],
    address: [
      {
        use: 'work',
        line: [main.line],
        city: main.city,
        state: STATE,
        postalCode: main.postalCode,
        country: 'US',
      },
    ],
  };
}

function payerOrganization(payer: PayerDef): Organization {
  return {
    resourceType: 'Organization',
    id: payer.id,
    active: true,
    type: [concept(SYSTEM.organizationType, 'pay', 'Payer')],
    name: payer.name,
  };
}

function siteLocation(site: SiteDef, timeZone: string): Location {
  return {
    resourceType: 'Location',
    id: site.id,
    // The R4 core extension for a location's time zone: screens show the clinic's local times.
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/timezone', valueCode: timeZone }],
    status: 'active',
    name: site.name,
    mode: 'instance',
    telecom: [{ system: 'phone', value: site.phone, use: 'work' }],
    address: {
      use: 'work',
      line: [site.line],
      city: site.city,
      state: STATE,
      postalCode: site.postalCode,
      country: 'US',
    },
    physicalType: concept(SYSTEM.locationType, 'bu', 'Building'),
    managingOrganization: PRACTICE_REF,
  };
}

function roomLocation(site: SiteDef, room: number): Location {
  return {
    resourceType: 'Location',
    id: roomId(site, room),
    status: 'active',
    operationalStatus: coding('http://terminology.hl7.org/CodeSystem/v2-0116', 'U', 'Unoccupied'),
    name: `${site.name} - Exam ${room}`,
    alias: [`Exam ${room}`],
    mode: 'instance',
    physicalType: concept(SYSTEM.locationType, 'ro', 'Room'),
    managingOrganization: PRACTICE_REF,
    partOf: siteRef(site),
  };
}

function practitioner(staff: StaffDef): Practitioner {
  const resource: Practitioner = {
    resourceType: 'Practitioner',
    id: staff.id,
    identifier: [{ system: SYSTEM.staffId, value: staff.id.replace('demo-prac-', 'RFM-') }],
    active: true,
    name: [
      {
        use: 'official',
        family: staff.family,
        given: [staff.given],
        ...(staff.degree ? { suffix: [staff.degree] } : {}),
      },
    ],
    telecom: [
      {
        system: 'email',
        value: `${staff.given.toLowerCase()}.${staff.id.slice(-2)}@riverbend.example.org`,
        use: 'work',
      },
    ],
    gender: staff.gender,
  };
  if (staff.degree) {
    resource.qualification = [
      { code: concept('http://terminology.hl7.org/CodeSystem/v2-0360', staff.degree, DEGREES[staff.degree]) },
    ];
  }
  return resource;
}

function practitionerRole(staff: StaffDef): PractitionerRole {
  const [system, code, display] = roleCoding(staff);
  const sites = SITES.filter((site) => staff.week.includes(site.key));
  return {
    resourceType: 'PractitionerRole',
    id: staff.id.replace('demo-prac-', 'demo-role-'),
    active: true,
    practitioner: staffRef(staff),
    organization: PRACTICE_REF,
    code: [{ coding: [{ system, code, display }], text: ROLE_TITLES[staff.role] }],
    ...(staff.role === 'provider'
      ? { specialty: [concept(SYSTEM.snomed, '419772000', 'Family practice')] }
      : {}),
    location: sites.map(siteRef),
    availableTime: sites.map((site) => ({
      daysOfWeek: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).filter(
        (_, day) => staff.week[day] === site.key
      ),
      availableStartTime: '08:00:00',
      availableEndTime: '17:00:00',
    })),
  };
}

/** The clinic's day, local time: open 8:00-17:00 with lunch 12:00-13:00 (minutes after midnight). */
export const CLINIC_HOURS = { open: 8 * 60, lunchStart: 12 * 60, lunchEnd: 13 * 60, close: 17 * 60 } as const;

const WEEKDAY_CODES = ['MO', 'TU', 'WE', 'TH', 'FR'] as const;

const clockText = (minutes: number): string =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00`;

/**
 * Availability rules (docs/decisions/0012-scheduling.md): the morning and the afternoon on the given weekdays
 * (1 = Monday), so lunch is never offered whatever the date.
 */
function availability(weekdays: readonly number[]): Extension[] {
  const rrule = `FREQ=WEEKLY;BYDAY=${weekdays.map((day) => WEEKDAY_CODES[day - 1]).join(',')}`;
  return [
    [CLINIC_HOURS.open, CLINIC_HOURS.lunchStart],
    [CLINIC_HOURS.lunchEnd, CLINIC_HOURS.close],
  ].map(([start, end]) => ({
    url: AVAILABILITY_URL,
    extension: [
      { url: 'rrule', valueString: rrule },
      { url: 'start', valueTime: clockText(start) },
      { url: 'end', valueTime: clockText(end) },
    ],
  }));
}

/**
 * One bookable Schedule per provider and site they work at (available the weekdays they work there), and one
 * per site for nurse visits and lab draws (every weekday); and each working day's lunch in the planning
 * horizon as a block (Slot busy-unavailable), so the day view shows it.
 */
function schedules(clock: ClinicClock): (Schedule | Slot)[] {
  const horizon = { start: clock.instant(clock.today, 0), end: clock.instant(clock.today + 15, 0) };
  const result: (Schedule | Slot)[] = [];
  const lunches = (id: string, weekdays: readonly number[]): Slot[] => {
    const slots: Slot[] = [];
    for (let day = clock.today; day < clock.today + 15; day++) {
      if (!weekdays.includes(clock.weekday(day))) continue;
      slots.push({
        resourceType: 'Slot',
        id: `${id.replace('demo-sched-', 'demo-slot-lunch-')}-${clock.date(day).replaceAll('-', '')}`,
        schedule: { reference: `Schedule/${id}` },
        status: 'busy-unavailable',
        start: clock.instant(day, CLINIC_HOURS.lunchStart),
        end: clock.instant(day, CLINIC_HOURS.lunchEnd),
        comment: 'lunch',
      });
    }
    return slots;
  };
  const blocks: Slot[] = [];
  for (const staff of PROVIDERS) {
    for (const site of SITES.filter((candidate) => staff.week.includes(candidate.key))) {
      const weekdays = [1, 2, 3, 4, 5].filter((day) => staff.week[day - 1] === site.key);
      const id = scheduleId(staff, site);
      result.push({
        resourceType: 'Schedule',
        id,
        extension: availability(weekdays),
        active: true,
        serviceCategory: [concept(SYSTEM.serviceCategory, '17', 'General Practice')],
        serviceType: [concept(SYSTEM.serviceType, '124', 'General Practice')],
        actor: [staffRef(staff), siteRef(site)],
        planningHorizon: horizon,
        comment: `${staffName(staff)} at ${site.name}`,
      });
      blocks.push(...lunches(id, weekdays));
    }
  }
  for (const site of SITES) {
    const id = `demo-sched-${site.key}-nurse`;
    result.push({
      resourceType: 'Schedule',
      id,
      extension: availability([1, 2, 3, 4, 5]),
      active: true,
      serviceCategory: [concept(SYSTEM.serviceCategory, '17', 'General Practice')],
      actor: [siteRef(site)],
      planningHorizon: horizon,
      comment: `Nurse visits and lab draws at ${site.name}`,
    });
    blocks.push(...lunches(id, [1, 2, 3, 4, 5]));
  }
  // Slots after every Schedule they point at.
  return [...result, ...blocks];
}

export function scheduleId(staff: StaffDef, site: SiteDef): string {
  return `demo-sched-${staff.id.slice(-2)}-${site.key}`;
}
