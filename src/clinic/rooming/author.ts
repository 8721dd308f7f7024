import type { Practitioner, Reference } from '@medplum/fhirtypes';
import type { RequestContext } from '../../store/context.js';

/**
 * The author of a clinical write (Observation.performer, AllergyIntolerance.recorder, Condition.recorder,
 * QuestionnaireResponse.author, Procedure.performer.actor, Communication.sender, Provenance.agent.who): the
 * signed-in user's Practitioner when their account is linked to one, with their user name as display;
 * otherwise the user name alone. The audit record of the same write names the user too (src/auth/audit).
 */
export function authorOf(ctx: RequestContext): Reference<Practitioner> {
  const principal = ctx.principal;
  const display = principal?.name ?? 'medassist';
  return principal?.practitionerId
    ? { reference: `Practitioner/${principal.practitionerId}`, display }
    : { display };
}
