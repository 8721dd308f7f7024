import { Text } from '@mantine/core';
import type { Coverage } from '@medplum/fhirtypes';
import { useCoverage } from '../fhir/queries';

/** The payer's name: the payor reference's display, else the coverage's group class name. */
function payerName(coverage: Coverage): string {
  return (
    coverage.payor[0]?.display ??
    coverage.class?.find((c) => c.type.coding?.some((t) => t.code === 'group'))?.name ??
    'Payer not named'
  );
}

/** The member id: subscriberId, else an identifier typed MB (member number). */
function memberId(coverage: Coverage): string | undefined {
  return (
    coverage.subscriberId ??
    coverage.identifier?.find((i) => i.type?.coding?.some((c) => c.code === 'MB'))?.value ??
    coverage.identifier?.[0]?.value
  );
}

/** Active coverage (Coverage?beneficiary=): payer and member id, or "None on file". */
export function BannerCoverage({ patientId }: { patientId: string }) {
  const coverage = useCoverage(patientId);
  if (coverage.isPending)
    return (
      <Text span size="sm">
        Loading…
      </Text>
    );
  if (coverage.isError)
    return (
      <Text span size="sm" c="red.9">
        Could not load
      </Text>
    );
  if (coverage.data.length === 0)
    return (
      <Text span size="sm">
        None on file
      </Text>
    );
  return (
    <>
      {coverage.data.map((c, index) => (
        <Text span size="sm" key={c.id ?? index}>
          {index > 0 && '; '}
          {payerName(c)}
          {memberId(c) && (
            <>
              {' · Member ID '}
              <Text span size="sm" ff="monospace">
                {memberId(c)}
              </Text>
            </>
          )}
        </Text>
      ))}
    </>
  );
}
