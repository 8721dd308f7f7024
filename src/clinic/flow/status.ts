/**
 * The patient-flow model shared by check-in, the flow board, rooming, check-out and the wait-time report.
 *
 * A visit's place in the clinic's day is kept on its Encounter (made at check-in, `Encounter.appointment`
 * pointing at the Appointment):
 * - the current flow status: extension FLOW_STATUS_URL, `valueCode` one of FLOW_STATUSES;
 * - every change, in order: extension FLOW_HISTORY_URL, one per change, with sub-extensions `status`
 *   (valueCode), `start` (valueDateTime, UTC) and `by` (valueReference to the user's Practitioner, or
 *   valueString with their name when they have none). The time in a status is the next entry's start minus
 *   its own; the wait-time report reads these.
 * - `Encounter.status` follows (FLOW_TO_ENCOUNTER_STATUS), so plain FHIR clients see a sensible state;
 * - the room: `Encounter.location` with the room Location and a period; the room's own state is the room
 *   Location's `operationalStatus` (v2-0116: U unoccupied, O occupied, K contaminated = needs cleaning).
 *
 * Before check-in a visit is its Appointment alone (status `scheduled` on the board); a no-show is the
 * Appointment's status `noshow` (there is no Encounter).
 */
export const FLOW_STATUS_URL = 'https://medassist.dev/fhir/StructureDefinition/flow-status';
export const FLOW_HISTORY_URL = 'https://medassist.dev/fhir/StructureDefinition/flow-history';
export const FLOW_STATUS_SYSTEM = 'https://medassist.dev/fhir/CodeSystem/flow-status';

export const FLOW_STATUSES = [
  'scheduled',
  'arrived',
  'waiting',
  'roomed',
  'ready-for-provider',
  'with-provider',
  'ready-for-checkout',
  'checked-out',
  'no-show',
  'left-without-being-seen',
] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

export const FLOW_STATUS_LABELS: Record<FlowStatus, string> = {
  scheduled: 'Scheduled',
  arrived: 'Arrived',
  waiting: 'Waiting',
  roomed: 'Roomed',
  'ready-for-provider': 'Ready for provider',
  'with-provider': 'With provider',
  'ready-for-checkout': 'Ready for check-out',
  'checked-out': 'Checked out',
  'no-show': 'No-show',
  'left-without-being-seen': 'Left without being seen',
};

/** Encounter.status (R4 encounter-status) for each flow status a visit with an Encounter can have. */
export const FLOW_TO_ENCOUNTER_STATUS = {
  arrived: 'arrived',
  waiting: 'arrived',
  roomed: 'triaged',
  'ready-for-provider': 'triaged',
  'with-provider': 'in-progress',
  'ready-for-checkout': 'in-progress',
  'checked-out': 'finished',
  'left-without-being-seen': 'cancelled',
} as const satisfies Partial<Record<FlowStatus, string>>;

/** Room states (Location.operationalStatus, v2-0116) the room view shows. */
export const ROOM_STATUS_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0116';
export const ROOM_STATUS = {
  free: { code: 'U', display: 'Unoccupied' },
  occupied: { code: 'O', display: 'Occupied' },
  needsCleaning: { code: 'K', display: 'Contaminated' },
} as const;

/**
 * The moves the flow board allows (docs/decisions/0013-patient-flow.md): forward through the visit, one step
 * back to correct a mistake, and left-without-being-seen from any status before the provider. Check-in
 * makes `arrived`; `checked-out` and `left-without-being-seen` are final.
 */
export const FLOW_TRANSITIONS: Partial<Record<FlowStatus, readonly FlowStatus[]>> = {
  arrived: ['waiting', 'roomed', 'left-without-being-seen'],
  waiting: ['roomed', 'arrived', 'left-without-being-seen'],
  roomed: ['ready-for-provider', 'with-provider', 'waiting', 'left-without-being-seen'],
  'ready-for-provider': ['with-provider', 'roomed', 'left-without-being-seen'],
  'with-provider': ['ready-for-checkout', 'ready-for-provider'],
  'ready-for-checkout': ['checked-out', 'with-provider'],
};

/** Whether the model allows moving a visit from `from` to `to`. */
export function mayMove(from: FlowStatus, to: FlowStatus): boolean {
  return (FLOW_TRANSITIONS[from] ?? []).includes(to);
}

/** Statuses in which the visit holds a room (roomed until the provider is done). */
export const IN_ROOM_STATUSES: readonly FlowStatus[] = [
  'roomed',
  'ready-for-provider',
  'with-provider',
  'ready-for-checkout',
];

/** Minutes in a status after which the board turns the row amber, then red. */
export interface Threshold {
  amber: number;
  red: number;
}

/** The statuses whose time is watched, and the defaults (a site may change them: flow settings). */
export const DEFAULT_THRESHOLDS: Partial<Record<FlowStatus, Threshold>> = {
  arrived: { amber: 15, red: 30 },
  waiting: { amber: 15, red: 30 },
  roomed: { amber: 10, red: 20 },
  'ready-for-provider': { amber: 10, red: 20 },
};

/** Flags a visit row can carry. */
export const FLOW_FLAGS = ['interpreter', 'mobility-aid', 'fall-risk', 'labs-needed'] as const;
export type FlowFlag = (typeof FLOW_FLAGS)[number];

/** A flag added at check-in: on the Encounter, one extension per flag (valueCode one of FLOW_FLAGS). */
export const FLOW_FLAG_URL = 'https://medassist.dev/fhir/StructureDefinition/flow-flag';
/** The site's board thresholds: on the site Location, one extension per status (sub-extensions). */
export const FLOW_THRESHOLD_URL = 'https://medassist.dev/fhir/StructureDefinition/flow-threshold';
/** A follow-up the provider asked for, on the Encounter: sub-extensions visitType, withinDays, text. */
export const FOLLOW_UP_URL = 'https://medassist.dev/fhir/StructureDefinition/follow-up';
/** "Verified today by whom" on a Patient or Coverage: sub-extensions `at` (dateTime) and `by` (string). */
export const VERIFIED_URL = 'https://medassist.dev/fhir/StructureDefinition/verified';
