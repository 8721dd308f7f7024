import { Text } from '@mantine/core';
import type { TrendPoint } from './vitals';
import { formatDate } from '../patient/display';

export interface TrendSeries {
  label: string;
  points: TrendPoint[];
  /** Dashed lines tell series apart without relying on colour. */
  dashed?: boolean;
}

const WIDTH = 220;
const HEIGHT = 56;
const PAD = 6;

/**
 * A small inline SVG line of the last readings (no chart library). The numbers are in the accessible
 * name and in the title, so the line is never the only way to read them.
 */
export function TrendLine({ title, unit, series }: { title: string; unit: string; series: TrendSeries[] }) {
  const all = series.flatMap((s) => s.points);
  if (all.length < 2) return null;
  const values = all.map((p) => p.value);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const span = max - min || 1;
  const count = Math.max(...series.map((s) => s.points.length));
  const x = (i: number) => PAD + (i * (WIDTH - 2 * PAD)) / Math.max(count - 1, 1);
  const y = (v: number) => HEIGHT - PAD - ((v - min) * (HEIGHT - 2 * PAD)) / span;
  const first = series[0]?.points[0];
  const last = series[0]?.points.at(-1);
  const summary = series.map((s) => `${s.label} ${s.points.map((p) => p.value).join(', ')}`).join('; ');
  const label = `${title} trend, last ${count} readings from ${formatDate(first?.when)} to ${formatDate(last?.when)}: ${summary} ${unit}`;

  return (
    <figure style={{ margin: 0 }}>
      <svg width={WIDTH} height={HEIGHT} viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
        <title>{label}</title>
        <rect x={0} y={0} width={WIDTH} height={HEIGHT} fill="var(--mantine-color-gray-0)" rx={3} />
        {series.map((s) => (
          <g key={s.label}>
            <polyline
              fill="none"
              stroke="var(--mantine-color-indigo-8)"
              strokeWidth={1.75}
              strokeDasharray={s.dashed ? '4 3' : undefined}
              points={s.points.map((p, i) => `${x(i)},${y(p.value)}`).join(' ')}
            />
            {s.points.map((p, i) => (
              <circle key={p.when} cx={x(i)} cy={y(p.value)} r={2.25} fill="var(--mantine-color-indigo-8)" />
            ))}
          </g>
        ))}
      </svg>
      <Text component="figcaption" size="xs" c="dimmed">
        {title}: {series.map((s) => `${s.dashed ? 'dashed' : 'solid'} = ${s.label.toLowerCase()}`).join(', ')}
        ; range {min}–{max} {unit}
      </Text>
    </figure>
  );
}
