/**
 * Scheduling (issue 5, docs/front-desk-api.md "Scheduling", docs/decisions/0012-scheduling.md): visit types,
 * availability templates, finding free slots, booking, rescheduling, cancelling, no-shows and the waitlist.
 * Plain functions over the store: the API routes, check-out and the tests call the same ones.
 */
export { SCHEDULING_VISIT_TYPES, visitTypeByCode, type VisitTypeDef } from './visitTypes.js';
export { findSlots, parseFindQuery, type FindQuery, type FreeSlot, type TimeOfDay } from './find.js';
export {
  bookAppointment,
  cancelAppointment,
  markNoShow,
  mayOverbook,
  parseBookRequest,
  parseRescheduleRequest,
  rescheduleAppointment,
  type BookRequest,
  type RescheduleRequest,
} from './book.js';
export {
  addToWaitlist,
  listWaitlist,
  parseWaitlistRequest,
  type WaitlistEntry,
  type WaitlistOffer,
  type WaitlistRequest,
} from './waitlist.js';
