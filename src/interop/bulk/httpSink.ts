import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { outcome } from '../../fhir/outcome.js';
import type { ImportSink, SubmitResult } from './sink.js';

const FHIR_JSON = 'application/fhir+json';

/** Thrown when the server cannot be reached or does not answer like a FHIR server: the import stops. */
export class ServerUnreachableError extends Error {}

/** A medassist (or any FHIR R4) server's API, as the importer and tests use it. */
export class FhirHttpClient {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    readonly practiceId: string,
    /** A Bearer access token (POST /oauth2/token); the server decides the practice from it. */
    readonly token?: string
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Sends one request; answers the status and the parsed JSON body (undefined if there is none). */
  async request(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const url = path ? `${this.baseUrl}/${path.replace(/^\//, '')}` : this.baseUrl;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          accept: FHIR_JSON,
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'content-type': FHIR_JSON } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
      throw new ServerUnreachableError(`cannot reach the server at ${this.baseUrl}: ${cause}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ServerUnreachableError(
        `${url} answered ${res.status} with something that is not JSON; is it a FHIR base URL?`
      );
    }
    return { status: res.status, body: json };
  }
}

function isOutcome(value: unknown): value is OperationOutcome {
  return (value as { resourceType?: unknown } | undefined)?.resourceType === 'OperationOutcome';
}

/**
 * Loads through a running server's FHIR API: each Bundle is POSTed to the base URL (FHIR R4
 * http.html#transaction), as the client whose access token it holds.
 */
export function httpSink(client: FhirHttpClient): ImportSink {
  return {
    description: `the server at ${client.baseUrl}`,
    async submit(bundle: Bundle): Promise<SubmitResult> {
      const res = await client.request('POST', '', bundle);
      const body = res.body as Bundle | OperationOutcome | undefined;
      if (res.status >= 200 && res.status < 300 && body?.resourceType === 'Bundle') {
        return { ok: true, response: body };
      }
      if (isOutcome(body)) {
        return { ok: false, status: res.status, outcome: body };
      }
      return {
        ok: false,
        status: res.status,
        outcome: outcome('error', 'exception', `the server answered ${res.status}`),
      };
    },
    async existing(resourceType: string, ids: string[]): Promise<Set<string>> {
      const found = new Set<string>();
      // Search by _id, a page of 100 ids at a time to keep URLs short (FHIR R4 search.html#id).
      for (let i = 0; i < ids.length; i += 100) {
        const page = ids.slice(i, i + 100);
        const res = await client.request(
          'GET',
          `${resourceType}?_id=${page.map(encodeURIComponent).join(',')}&_elements=id&_count=${page.length}`
        );
        const bundle = res.body as Bundle | undefined;
        if (res.status !== 200 || bundle?.resourceType !== 'Bundle') {
          const why = isOutcome(res.body) ? (res.body.issue?.[0]?.details?.text ?? '') : '';
          throw new ServerUnreachableError(
            `the server refused a search for existing ${resourceType} (${res.status} ${why})`
          );
        }
        for (const e of bundle.entry ?? []) {
          if (e.resource?.id) {
            found.add(e.resource.id);
          }
        }
      }
      return found;
    },
  };
}

/**
 * Checks before a load that the server answers and knows the practice, so a wrong URL or practice is one
 * clear message instead of every record rejected. Returns the problem, or undefined when all is well.
 */
export async function checkServer(client: FhirHttpClient): Promise<string | undefined> {
  const res = await client.request('GET', 'Patient?_count=1&_elements=id');
  if (res.status === 200) {
    return undefined;
  }
  const why = isOutcome(res.body) ? (res.body.issue?.[0]?.details?.text ?? '') : '';
  return `the server at ${client.baseUrl} answered ${res.status}${why ? `: ${why}` : ''}`;
}
