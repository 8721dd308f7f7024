/**
 * The arithmetic of the trend and growth charts (pure, unit-tested in test/web/rooming/growth): linear scales
 * from data to SVG pixels, "nice" tick values, and the domain that holds the curves and the patient's points.
 */

export interface Box {
  width: number;
  height: number;
  /** Margins for the axes and labels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Scale {
  domain: [number, number];
  range: [number, number];
  (value: number): number;
}

/** A linear map of [d0, d1] onto [r0, r1] (r0 > r1 for a y axis, SVG y grows down). */
export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  const f = ((value: number) => r0 + ((value - d0) * (r1 - r0)) / span) as Scale;
  f.domain = domain;
  f.range = range;
  return f;
}

/** A step of 1, 2, 2.5 or 5 times a power of ten that cuts [min, max] into about `count` parts. */
export function niceStep(min: number, max: number, count = 6): number {
  const span = Math.abs(max - min);
  if (span === 0 || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

/** The tick values: multiples of the nice step inside [min, max], rid of floating-point dust. */
export function ticks(min: number, max: number, count = 6): number[] {
  const step = niceStep(min, max, count);
  const out: number[] = [];
  const first = Math.ceil(min / step - 1e-9) * step;
  for (let v = first; v <= max + step * 1e-9; v += step) {
    out.push(Number(v.toFixed(10)));
  }
  return out;
}

/** [min, max] widened outward to whole nice steps (so the axis starts and ends on a tick). */
export function niceDomain(min: number, max: number, count = 6): [number, number] {
  if (min === max) return [min - 1, max + 1];
  const step = niceStep(min, max, count);
  return [Math.floor(min / step + 1e-9) * step, Math.ceil(max / step - 1e-9) * step];
}

/** The extent of a list of numbers, ignoring non-finite ones; undefined when there are none. */
export function extent(values: readonly number[]): [number, number] | undefined {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return undefined;
  return [Math.min(...finite), Math.max(...finite)];
}

/**
 * The y domain of a growth chart: the curves over the x domain shown and the patient's points, so no point
 * falls off the chart; widened to nice steps.
 */
export function growthYDomain(
  curves: readonly { points: readonly { x: number; y: number }[] }[],
  points: readonly { x: number; y: number }[],
  xDomain: [number, number]
): [number, number] {
  const ys = [
    ...curves.flatMap((c) => c.points.filter((p) => p.x >= xDomain[0] && p.x <= xDomain[1]).map((p) => p.y)),
    ...points.map((p) => p.y),
  ];
  const [lo, hi] = extent(ys) ?? [0, 1];
  return niceDomain(lo, hi);
}

/**
 * The x domain of a growth chart: the reference's whole range, narrowed for an age chart to the part around
 * the child (up to a year past the oldest point or today's age, at least two years wide) so a 4-year-old's
 * points are not squeezed into a 20-year axis. Lengths (weight-for-length) keep the whole range.
 */
export function growthXDomain(
  reference: { min: number; max: number; unit: string },
  points: readonly { x: number }[],
  ageMonths: number
): [number, number] {
  if (reference.unit !== 'mo') return [reference.min, reference.max];
  const xs = points.map((p) => p.x);
  const oldest = Math.max(ageMonths, ...xs);
  const youngest = Math.min(ageMonths, ...xs);
  let hi = Math.min(reference.max, Math.ceil((oldest + 12) / 12) * 12);
  let lo = Math.max(reference.min, Math.floor((youngest - 12) / 12) * 12);
  if (hi - lo < 24) {
    hi = Math.min(reference.max, lo + 24);
    lo = Math.max(reference.min, hi - 24);
  }
  return [lo, hi];
}

/** An SVG path through points, skipping gaps (non-finite values). */
export function pathOf(points: readonly { x: number; y: number }[], sx: Scale, sy: Scale): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!Number.isFinite(p.y)) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/**
 * The dates to label on the x axis: the last, the first and any between that keep `gap` pixels from every
 * label already chosen (labels never overlap).
 */
export function spacedDates(dates: readonly string[], x: (date: string) => number, gap: number): string[] {
  if (dates.length === 0) return [];
  const chosen = [dates[dates.length - 1]];
  for (const d of dates.slice(0, -1)) {
    if (chosen.every((c) => Math.abs(x(c) - x(d)) >= gap)) chosen.push(d);
  }
  return chosen.sort();
}
