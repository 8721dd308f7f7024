import type { Bundle } from '@medplum/fhirtypes';
import { processBundle } from '../../api/router/bundle.js';
import { routeFhirRequest } from '../../api/router/router.js';
import { isOutcomeError, outcome } from '../../fhir/outcome.js';
import type { RequestContext } from '../../store/context.js';
import type { Database } from '../../store/db.js';
import { existingIds } from '../../store/scan.js';
import type { ImportSink, SubmitResult } from './sink.js';

/** Loads into a database opened by this process, through the same Bundle processing as the FHIR API. */
export function localSink(db: Database, ctx: RequestContext, description = 'the database'): ImportSink {
  const env = { db, ctx };
  return {
    description,
    async submit(bundle: Bundle): Promise<SubmitResult> {
      try {
        return { ok: true, response: await processBundle(env, bundle, routeFhirRequest) };
      } catch (err) {
        if (isOutcomeError(err)) {
          return { ok: false, status: err.status, outcome: err.outcome };
        }
        // A database error on one Bundle (say, a value PostgreSQL refuses) must not stop the whole load:
        // it is reported with the Bundle's records and the import goes on. It is not matched by text.
        return {
          ok: false,
          status: 500,
          outcome: outcome('error', 'exception', `database error: ${(err as Error).message}`),
        };
      }
    },
    existing: (resourceType, ids) => existingIds(db, ctx.practiceId, resourceType, ids),
  };
}
