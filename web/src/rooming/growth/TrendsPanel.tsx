import { Group, NativeSelect, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { formatDate } from '../../patient/display';
import { QueryState } from '../../ui/QueryState';
import type { RoomingPanelProps } from '../types';
import { GrowthChart } from './GrowthChart';
import {
  CHART_KIND_LABELS,
  CHART_KINDS,
  useGrowthChart,
  useVitalsHistory,
  useVitalsHistoryRows,
  type ChartKind,
  type HistoryRow,
} from './growthApi';
import { HistoryTable } from './HistoryTable';
import { TimeChart } from './TimeChart';
import { ageMonthsOf, showsGrowthCharts, signSeries } from './trendsModel';

function Trends({ rows }: { rows: HistoryRow[] }) {
  return (
    <Group gap="lg" align="flex-start">
      <TimeChart
        title="Blood pressure"
        unit="mmHg"
        series={[
          signSeries(rows, 'bloodPressure', 'Systolic'),
          signSeries(rows, 'bloodPressure', 'Diastolic', 'diastolic'),
        ]}
      />
      <TimeChart title="Weight" unit="kg" series={[signSeries(rows, 'weight', 'Weight')]} />
      <TimeChart title="BMI" unit="kg/m2" series={[signSeries(rows, 'bmi', 'BMI')]} />
    </Group>
  );
}

/** The growth chart with its picker and the latest percentile in words. */
export function GrowthSection({ patientId }: { patientId: string }) {
  const [kind, setKind] = useState<ChartKind | undefined>(undefined);
  const chart = useGrowthChart(patientId, kind);
  const shown = kind ?? chart.data?.kind;
  return (
    <Stack gap="xs">
      <Group justify="space-between" align="flex-end">
        <Title order={3}>Growth chart</Title>
        <NativeSelect
          label="Growth chart"
          size="xs"
          value={shown ?? ''}
          onChange={(e) => setKind(e.currentTarget.value as ChartKind)}
          data={CHART_KINDS.map((k) => ({ value: k, label: CHART_KIND_LABELS[k] }))}
        />
      </Group>
      {chart.isPending ? (
        <Skeleton height={300} aria-label="Loading the growth chart" />
      ) : chart.isError ? (
        <Text size="sm" c="red.9" role="alert">
          The growth chart could not be shown: {chart.error.message}
        </Text>
      ) : (
        <>
          <Text size="sm" aria-live="polite" data-testid="latest-percentile">
            {chart.data.latest
              ? `Latest ${CHART_KIND_LABELS[chart.data.kind]} (${formatDate(chart.data.latest.date)}): ${chart.data.latest.words} (${chart.data.latest.percentile.toFixed(1)})`
              : `No measurement on the ${CHART_KIND_LABELS[chart.data.kind]} chart has a percentile.`}
          </Text>
          <GrowthChart data={chart.data} />
        </>
      )}
    </Stack>
  );
}

/** Vitals history table, BP/weight/BMI charts, growth charts for children (docs/rooming/growth.md). */
export function TrendsPanel({ visit }: RoomingPanelProps) {
  const patientId = visit.patient.id;
  const history = useVitalsHistory(patientId);
  const list = useVitalsHistoryRows(patientId);
  const ageMonths =
    visit.patient.ageMonths ?? ageMonthsOf(history.data?.birthDate ?? visit.patient.birthDate, new Date());
  return (
    <Stack gap="md">
      <QueryState query={list} label="vitals history" empty="No vital signs recorded">
        {(rows) => (
          <Stack gap="md">
            <Title order={3}>Trends</Title>
            <Trends rows={rows} />
            {showsGrowthCharts(ageMonths) && history.data?.gender && <GrowthSection patientId={patientId} />}
            <Title order={3}>Vitals history</Title>
            <HistoryTable rows={rows} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
