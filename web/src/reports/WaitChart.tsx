import { Group, Text } from '@mantine/core';
import type { WaitTimeDay } from './waitTimeApi';

const HEIGHT = 180;
const PAD = { top: 12, right: 8, bottom: 28, left: 36 };
const BAR_COLOR = 'var(--mantine-color-indigo-7)';
const P90_COLOR = 'var(--mantine-color-orange-8)';

/**
 * Waiting-room time per day, drawn by hand in SVG (no chart library): a bar for the median minutes from
 * arrival to roomed, a tick for the 90th percentile. Every figure is in the accessible name, and the table
 * below has them all, so the picture is never the only way to read them.
 */
export function WaitChart({ days }: { days: WaitTimeDay[] }) {
  const points = days.filter((d) => d.arrivalToRoomed.median !== null);
  if (points.length === 0) return null;
  const width = Math.max(320, Math.min(1100, points.length * 28 + PAD.left + PAD.right));
  const max = Math.max(10, ...points.map((d) => d.arrivalToRoomed.p90 ?? d.arrivalToRoomed.median ?? 0));
  const top = Math.ceil(max / 10) * 10;
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = plotW / points.length;
  const barW = Math.max(4, Math.min(18, step * 0.6));
  const y = (minutes: number) => PAD.top + plotH - (minutes / top) * plotH;
  const ticks = [0, top / 2, top];
  const labelEvery = Math.ceil(points.length / 10);
  const label = `Minutes from arrival to roomed per day, median and 90th percentile: ${points
    .map((d) => `${d.date} ${d.arrivalToRoomed.median} and ${d.arrivalToRoomed.p90}`)
    .join('; ')}`;
  return (
    <figure style={{ margin: 0 }}>
      <svg
        width="100%"
        viewBox={`0 0 ${width} ${HEIGHT}`}
        style={{ maxWidth: width }}
        role="img"
        aria-label={label}
      >
        <title>{label}</title>
        {ticks.map((t) => (
          <g key={t}>
            <line
              x1={PAD.left}
              x2={width - PAD.right}
              y1={y(t)}
              y2={y(t)}
              stroke="var(--mantine-color-gray-3)"
            />
            <text
              x={PAD.left - 6}
              y={y(t) + 4}
              textAnchor="end"
              fontSize={11}
              fill="var(--mantine-color-gray-7)"
            >
              {t}
            </text>
          </g>
        ))}
        {points.map((d, i) => {
          const cx = PAD.left + step * i + step / 2;
          const median = d.arrivalToRoomed.median ?? 0;
          const p90 = d.arrivalToRoomed.p90;
          return (
            <g key={d.date}>
              <rect
                x={cx - barW / 2}
                y={y(median)}
                width={barW}
                height={y(0) - y(median)}
                fill={BAR_COLOR}
                rx={2}
              />
              {p90 !== null && (
                <line
                  x1={cx - barW / 2 - 2}
                  x2={cx + barW / 2 + 2}
                  y1={y(p90)}
                  y2={y(p90)}
                  stroke={P90_COLOR}
                  strokeWidth={2.5}
                />
              )}
              {i % labelEvery === 0 && (
                <text
                  x={cx}
                  y={HEIGHT - 10}
                  textAnchor="middle"
                  fontSize={10}
                  fill="var(--mantine-color-gray-7)"
                >
                  {d.date.slice(5)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <Group component="figcaption" gap="md">
        <Text size="xs" c="dimmed">
          <span
            aria-hidden
            style={{ display: 'inline-block', width: 10, height: 10, background: BAR_COLOR, marginRight: 4 }}
          />
          Median minutes, arrival to roomed
        </Text>
        <Text size="xs" c="dimmed">
          <span
            aria-hidden
            style={{
              display: 'inline-block',
              width: 12,
              height: 3,
              background: P90_COLOR,
              marginRight: 4,
              verticalAlign: 'middle',
            }}
          />
          90th percentile
        </Text>
      </Group>
    </figure>
  );
}
