import type { OperationOutcome } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { matchesExpression, outcomeMessage, unclaimedIssues } from '../../web/src/fhir/outcome.js';

const outcome: OperationOutcome = {
  resourceType: 'OperationOutcome',
  issue: [
    {
      severity: 'error',
      code: 'invalid',
      details: { text: '"1961-13-45" is not a valid date' },
      expression: ['birthdate'],
    },
    {
      severity: 'error',
      code: 'required',
      diagnostics: 'family is required',
      expression: ['Patient.name[0].family'],
    },
    {
      severity: 'warning',
      code: 'informational',
      details: { text: 'just so you know' },
      expression: ['birthdate'],
    },
    { severity: 'error', code: 'exception', details: { text: 'something else' } },
  ],
};

describe('outcomeMessage', () => {
  it('gives the error messages for the named field or parameter', () => {
    expect(outcomeMessage(outcome, 'birthdate')).toBe('"1961-13-45" is not a valid date');
    expect(outcomeMessage(outcome, ['name', 'birthdate'])).toBe('"1961-13-45" is not a valid date');
  });

  it('matches issues inside the named element', () => {
    expect(outcomeMessage(outcome, 'Patient.name')).toBe('family is required');
    expect(outcomeMessage(outcome, 'Patient.nam')).toBeUndefined();
    expect(matchesExpression('Patient.name[0].family', 'Patient.name[0]')).toBe(true);
  });

  it('leaves the rest for a general message', () => {
    expect(unclaimedIssues(outcome, ['birthdate', 'Patient.name'])).toEqual(['something else']);
    expect(outcomeMessage(undefined, 'birthdate')).toBeUndefined();
  });
});
