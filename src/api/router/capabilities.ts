import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { allResourceTypes } from '../../fhir/definitions.js';
import { searchParamsFor } from '../../fhir/searchParameters.js';
import { AUDIT_EVENT_SEARCH_PARAMETERS } from './auditEvents.js';

let cached: { base: string; statement: CapabilityStatement } | undefined;

/**
 * What this server truly supports (FHIR R4 capabilitystatement.html), generated from the same
 * definitions the search index is built from: composite and special search parameters, conditional
 * delete and system-level search are left out because they are not implemented.
 */
export function capabilityStatement(baseUrl: string): CapabilityStatement {
  if (cached?.base === baseUrl) {
    return cached.statement;
  }
  const statement: CapabilityStatement = {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-26',
    kind: 'instance',
    software: { name: 'medassist', version: '0.1.0' },
    implementation: { description: 'medassist FHIR R4 server', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
        resource: allResourceTypes().map((type) =>
          type === 'AuditEvent'
            ? auditEventCapability()
            : {
                type,
                interaction: [
                  { code: 'read' },
                  { code: 'vread' },
                  { code: 'update' },
                  { code: 'patch' },
                  { code: 'delete' },
                  { code: 'history-instance' },
                  { code: 'history-type' },
                  { code: 'create' },
                  { code: 'search-type' },
                ],
                versioning: 'versioned-update',
                readHistory: true,
                updateCreate: true,
                conditionalCreate: true,
                conditionalUpdate: true,
                conditionalRead: 'not-supported',
                conditionalDelete: 'not-supported',
                referencePolicy: ['literal', 'logical'],
                searchInclude: [...searchParamsFor(type).values()]
                  .filter((p) => p.type === 'reference')
                  .map((p) => `${type}:${p.code}`),
                searchRevInclude: [],
                searchParam: [
                  { name: '_id', type: 'token' },
                  { name: '_lastUpdated', type: 'date' },
                  ...[...searchParamsFor(type).values()].map((p) => ({
                    name: p.code,
                    definition: p.definition.url,
                    type: p.type,
                  })),
                ],
              }
        ),
      },
    ],
  } as CapabilityStatement;
  cached = { base: baseUrl, statement };
  return statement;
}

/** AuditEvent is answered from the audit trail (router/auditEvents.ts): read and search only. */
function auditEventCapability(): CapabilityStatementRestResource {
  return {
    type: 'AuditEvent',
    interaction: [{ code: 'read' }, { code: 'search-type' }],
    versioning: 'no-version',
    readHistory: false,
    updateCreate: false,
    conditionalCreate: false,
    conditionalUpdate: false,
    conditionalRead: 'not-supported',
    conditionalDelete: 'not-supported',
    searchParam: AUDIT_EVENT_SEARCH_PARAMETERS.filter((p) => !p.startsWith('_')).map((name) => ({
      name,
      type:
        name === 'date'
          ? 'date'
          : name === 'entity' || name === 'agent' || name === 'patient'
            ? 'reference'
            : 'token',
    })),
  };
}
