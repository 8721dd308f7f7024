import { Text } from '@mantine/core';
import { formatDate } from '../../patient/display';
import { extent, linearScale, niceDomain, spacedDates, ticks, type Box } from './chartScale';

export interface TimeSeries {
  label: string;
  points: { date: string; value: number }[];
  /** Dashed lines tell series apart without relying on colour. */
  dashed?: boolean;
}

const BOX: Box = { width: 340, height: 180, left: 44, right: 10, top: 10, bottom: 34 };

/**
 * A value over time in SVG (blood pressure, weight, BMI): dated x axis, nice y ticks, one line per series.
 * The numbers are in the accessible name, so the line is never the only way to read them.
 */
export function TimeChart({ title, unit, series }: { title: string; unit: string; series: TimeSeries[] }) {
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        {title}: no readings.
      </Text>
    );
  }
  const times = all.map((p) => Date.parse(p.date));
  const [t0, t1] = extent(times) ?? [0, 1];
  const pad = t0 === t1 ? 86_400_000 : 0;
  const sx = linearScale([t0 - pad, t1 + pad], [BOX.left + 8, BOX.width - BOX.right - 8]);
  const [v0, v1] = extent(all.map((p) => p.value)) ?? [0, 1];
  const yDomain = niceDomain(v0, v1, 4);
  const sy = linearScale(yDomain, [BOX.height - BOX.bottom, BOX.top]);
  const yTicks = ticks(yDomain[0], yDomain[1], 4);
  const dated = [...new Set(all.map((p) => p.date))].sort();
  const xTickDates = spacedDates(dated, (d) => sx(Date.parse(d)), 64);
  const summary = series.map((s) => `${s.label} ${s.points.map((p) => p.value).join(', ')}`).join('; ');
  const label = `${title} over time, ${dated.length} readings from ${formatDate(dated[0])} to ${formatDate(dated.at(-1))}: ${summary} ${unit}`;

  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        width={BOX.width}
        height={BOX.height}
        role="img"
        aria-label={label}
      >
        <title>{label}</title>
        <rect
          x={BOX.left}
          y={BOX.top}
          width={BOX.width - BOX.left - BOX.right}
          height={BOX.height - BOX.top - BOX.bottom}
          fill="var(--mantine-color-gray-0)"
        />
        {yTicks.map((v) => (
          <g key={v}>
            <line
              x1={BOX.left}
              x2={BOX.width - BOX.right}
              y1={sy(v)}
              y2={sy(v)}
              stroke="var(--mantine-color-gray-3)"
              strokeWidth={0.5}
            />
            <text
              x={BOX.left - 5}
              y={sy(v) + 4}
              fontSize={10}
              textAnchor="end"
              fill="var(--mantine-color-gray-8)"
            >
              {v}
            </text>
          </g>
        ))}
        {xTickDates.map((d) => (
          <text
            key={d}
            x={Math.min(Math.max(sx(Date.parse(d)), BOX.left + 28), BOX.width - BOX.right - 28)}
            y={BOX.height - BOX.bottom + 14}
            fontSize={10}
            textAnchor="middle"
            fill="var(--mantine-color-gray-8)"
          >
            {formatDate(d)}
          </text>
        ))}
        <text
          x={12}
          y={(BOX.top + BOX.height - BOX.bottom) / 2}
          fontSize={10}
          textAnchor="middle"
          transform={`rotate(-90 12 ${(BOX.top + BOX.height - BOX.bottom) / 2})`}
          fill="var(--mantine-color-gray-9)"
        >
          {unit}
        </text>
        {series.map((s) => (
          <g key={s.label}>
            <polyline
              fill="none"
              stroke="var(--mantine-color-indigo-8)"
              strokeWidth={1.75}
              strokeDasharray={s.dashed ? '4 3' : undefined}
              points={s.points
                .map((p) => `${sx(Date.parse(p.date)).toFixed(1)},${sy(p.value).toFixed(1)}`)
                .join(' ')}
            />
            {s.points.map((p) => (
              <circle
                key={p.date}
                cx={sx(Date.parse(p.date))}
                cy={sy(p.value)}
                r={2.75}
                fill="var(--mantine-color-indigo-8)"
              />
            ))}
          </g>
        ))}
      </svg>
      <Text component="figcaption" size="xs" c="dimmed">
        {title}
        {series.length > 1
          ? `: ${series.map((s) => `${s.dashed ? 'dashed' : 'solid'} = ${s.label.toLowerCase()}`).join(', ')}`
          : ''}
      </Text>
    </figure>
  );
}
