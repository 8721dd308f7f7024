import type { Organization, Practitioner } from '@medplum/fhirtypes';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import { displayPractitioner } from './register.js';

/** Practitioner roles that make someone a provider a patient can have as primary care provider. */
const PROVIDER_ROLE_CODES = ['doctor', '224571005' /* nurse practitioner */, '449161006' /* PA */];

export interface DeskSetup {
  providers: { id: string; name: string }[];
  payers: { id: string; name: string }[];
}

/** What the registration form offers: the practice's providers and payers (directory data every role reads). */
export async function deskSetup(conn: SqlConnection, ctx: RequestContext): Promise<DeskSetup> {
  const providers = await conn.query<{ id: string; content: Practitioner }>(
    `SELECT p.id, p.content FROM resource p
     WHERE p.practice_id = $1 AND p.resource_type = 'Practitioner' AND NOT p.deleted
       AND coalesce(p.content->>'active', 'true') <> 'false'
       AND p.id IN (
         SELECT split_part(pr.content->'practitioner'->>'reference', '/', 2) FROM resource pr
         WHERE pr.practice_id = $1 AND pr.resource_type = 'PractitionerRole' AND NOT pr.deleted
           AND pr.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1
             AND resource_type = 'PractitionerRole' AND param = 'role' AND value = ANY($2::text[])))`,
    [ctx.practiceId, PROVIDER_ROLE_CODES]
  );
  const payers = await conn.query<{ id: string; content: Organization }>(
    `SELECT o.id, o.content FROM resource o
     WHERE o.practice_id = $1 AND o.resource_type = 'Organization' AND NOT o.deleted
       AND coalesce(o.content->>'active', 'true') <> 'false'
       AND o.id IN (SELECT resource_id FROM search_index WHERE practice_id = $1
         AND resource_type = 'Organization' AND param = 'type' AND value = 'pay')`,
    [ctx.practiceId]
  );
  return {
    providers: providers.rows
      .map((r) => ({ id: r.id, name: displayPractitioner(r.content.name) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    payers: payers.rows
      .map((r) => ({ id: r.id, name: r.content.name ?? r.id }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
