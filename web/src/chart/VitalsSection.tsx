import { useClinicTimeZone } from '../app/SiteContext';
import { Anchor, Group } from '@mantine/core';
import { Link } from 'react-router';
import { useVitalSigns } from '../fhir/queries';
import { formatDateTime } from '../patient/display';
import { ChartSection } from './ChartSection';
import { DataTable } from './DataTable';
import { TrendLine } from './TrendLine';
import { BP_PANEL, DIASTOLIC, latestVitals, series, SYSTOLIC, WEIGHT } from './vitals';

const TREND_READINGS = 8;

/** The latest of each vital sign with its date, and short trends of blood pressure and weight. */
export function VitalsSection({ patientId }: { patientId: string }) {
  const timeZone = useClinicTimeZone();
  const vitals = useVitalSigns(patientId);
  return (
    <ChartSection title="Vitals" query={vitals} empty="No vitals recorded">
      {(observations) => {
        const latest = latestVitals(observations);
        const weightUnit = observations.find(
          (o) => o.valueQuantity && o.code.coding?.some((c) => c.code === WEIGHT)
        )?.valueQuantity?.unit;
        return (
          <>
            <DataTable
              columns={['Vital sign', 'Latest', 'Taken']}
              nowrap={[1, 2]}
              rows={latest.map((v) => ({
                key: v.code,
                cells: [v.label, v.value, formatDateTime(v.when, false, timeZone)],
              }))}
            />
            <Group gap="lg" mt="xs" align="flex-start">
              <TrendLine
                title="Blood pressure"
                unit="mmHg"
                series={[
                  { label: 'Systolic', points: series(observations, BP_PANEL, TREND_READINGS, SYSTOLIC) },
                  {
                    label: 'Diastolic',
                    points: series(observations, BP_PANEL, TREND_READINGS, DIASTOLIC),
                    dashed: true,
                  },
                ]}
              />
              <TrendLine
                title="Weight"
                unit={weightUnit ?? 'kg'}
                series={[{ label: 'Weight', points: series(observations, WEIGHT, TREND_READINGS) }]}
              />
            </Group>
            <Anchor component={Link} to={`/patients/${encodeURIComponent(patientId)}/vitals`} size="sm">
              Vitals history and growth
            </Anchor>
          </>
        );
      }}
    </ChartSection>
  );
}
