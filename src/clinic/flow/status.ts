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
