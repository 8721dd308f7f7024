import { Text } from '@mantine/core';
import { useId } from 'react';
import { formatDate } from '../../patient/display';
import type { GrowthChartData } from './growthApi';
import { growthXDomain, growthYDomain, linearScale, pathOf, ticks, type Box } from './chartScale';

const BOX: Box = { width: 680, height: 400, left: 56, right: 48, top: 18, bottom: 48 };

/** Age ticks in years once the axis spans more than three years. */
function ageInYears(unit: string, domain: [number, number]): boolean {
  return unit === 'mo' && domain[1] - domain[0] > 36;
}

function formatNumber(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/**
 * A CDC growth chart in SVG (no chart library): the percentile curves labelled 5th..95th at their right end,
 * the child's measurements as points joined by a line, axis labels with units. The accessible name and each
 * point's title carry the numbers, so the picture is never the only way to read them.
 */
export function GrowthChart({ data }: { data: GrowthChartData }) {
  const { chart, points } = data;
  const clipId = `growth-plot-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const xDomain = growthXDomain(chart.x, points, data.ageMonths);
  const shown = points.filter((p) => p.x >= xDomain[0] && p.x <= xDomain[1]);
  const yDomain = growthYDomain(chart.curves, shown, xDomain);
  const sx = linearScale(xDomain, [BOX.left, BOX.width - BOX.right]);
  const sy = linearScale(yDomain, [BOX.height - BOX.bottom, BOX.top]);
  const years = ageInYears(chart.x.unit, xDomain);
  const xTicks = years
    ? ticks(xDomain[0] / 12, xDomain[1] / 12, 10).map((y) => y * 12)
    : ticks(xDomain[0], xDomain[1], 10);
  const yTicks = ticks(yDomain[0], yDomain[1], 8);
  const xLabel =
    chart.x.unit === 'mo'
      ? `${chart.x.label} (${years ? 'years' : 'months'})`
      : `${chart.x.label} (${chart.x.unit})`;
  const yLabel = `${chart.y.label} (${chart.y.unit})`;
  const sexWord = data.sex === 'female' ? 'girls' : 'boys';
  const last = points.at(-1);
  const label =
    `${chart.title}, ${sexWord}, CDC percentile curves 5th to 95th; ` +
    (points.length === 0
      ? 'no measurements on this chart'
      : `${points.length} measurement${points.length === 1 ? '' : 's'}, latest ${formatNumber(last?.y ?? 0)} ${chart.y.unit} on ${formatDate(last?.date)}` +
        (data.latest ? `, ${data.latest.words}` : ''));

  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${BOX.width} ${BOX.height}`}
        width="100%"
        style={{ maxWidth: BOX.width }}
        role="img"
        aria-label={label}
        data-testid="growth-chart"
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
          <g key={`y${v}`}>
            <line
              x1={BOX.left}
              x2={BOX.width - BOX.right}
              y1={sy(v)}
              y2={sy(v)}
              stroke="var(--mantine-color-gray-3)"
              strokeWidth={0.5}
            />
            <text
              x={BOX.left - 6}
              y={sy(v) + 4}
              fontSize={11}
              textAnchor="end"
              fill="var(--mantine-color-gray-8)"
            >
              {formatNumber(v)}
            </text>
          </g>
        ))}
        {xTicks.map((v) => (
          <g key={`x${v}`}>
            <line
              x1={sx(v)}
              x2={sx(v)}
              y1={BOX.top}
              y2={BOX.height - BOX.bottom}
              stroke="var(--mantine-color-gray-3)"
              strokeWidth={0.5}
            />
            <text
              x={sx(v)}
              y={BOX.height - BOX.bottom + 16}
              fontSize={11}
              textAnchor="middle"
              fill="var(--mantine-color-gray-8)"
            >
              {formatNumber(years ? v / 12 : v)}
            </text>
          </g>
        ))}
        <text
          x={(BOX.left + BOX.width - BOX.right) / 2}
          y={BOX.height - 8}
          fontSize={12}
          textAnchor="middle"
          fill="var(--mantine-color-gray-9)"
        >
          {xLabel}
        </text>
        <text
          x={14}
          y={(BOX.top + BOX.height - BOX.bottom) / 2}
          fontSize={12}
          textAnchor="middle"
          fill="var(--mantine-color-gray-9)"
          transform={`rotate(-90 14 ${(BOX.top + BOX.height - BOX.bottom) / 2})`}
        >
          {yLabel}
        </text>
        <g clipPath={`url(#${clipId})`}>
          <clipPath id={clipId}>
            <rect
              x={BOX.left}
              y={BOX.top}
              width={BOX.width - BOX.left - BOX.right}
              height={BOX.height - BOX.top - BOX.bottom}
            />
          </clipPath>
          {chart.curves.map((c) => (
            <path
              key={c.percentile}
              d={pathOf(c.points, sx, sy)}
              fill="none"
              stroke={c.percentile === 50 ? 'var(--mantine-color-teal-8)' : 'var(--mantine-color-teal-6)'}
              strokeWidth={c.percentile === 50 ? 1.75 : 1}
              strokeDasharray={c.percentile === 5 || c.percentile === 95 ? '5 3' : undefined}
            />
          ))}
        </g>
        {chart.curves.map((c) => {
          const end = [...c.points].reverse().find((p) => p.x <= xDomain[1]);
          return end ? (
            <text
              key={`l${c.percentile}`}
              x={BOX.width - BOX.right + 4}
              y={sy(end.y) + 4}
              fontSize={11}
              fill="var(--mantine-color-teal-9)"
            >
              {c.label}
            </text>
          ) : null;
        })}
        {shown.length > 1 && (
          <path
            d={pathOf(shown, sx, sy)}
            fill="none"
            stroke="var(--mantine-color-indigo-9)"
            strokeWidth={1.75}
          />
        )}
        {shown.map((p) => (
          <circle
            key={p.date}
            cx={sx(p.x)}
            cy={sy(p.y)}
            r={4.5}
            fill="var(--mantine-color-indigo-9)"
            stroke="white"
            strokeWidth={1.25}
            data-testid="growth-point"
          >
            <title>
              {`${formatDate(p.date)}: ${formatNumber(p.y)} ${chart.y.unit} at ${formatNumber(p.x)} ${chart.x.unit}` +
                (p.percentile !== undefined ? `, ${p.percentile} percentile` : '')}
            </title>
          </circle>
        ))}
      </svg>
      <Text component="figcaption" size="xs" c="dimmed">
        {chart.title} ({sexWord}). Curves: 5th, 10th, 25th, 50th (bold), 75th, 90th, 95th percentiles (5th and
        95th dashed). Source: {chart.reference}.
      </Text>
    </figure>
  );
}
