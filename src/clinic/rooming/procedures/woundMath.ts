/**
 * A wound's change over visits, pure: area = length x width (mm2, the clinical rectangle estimate), and the
 * change in area since the previous and since the first measurement, in percent with one decimal.
 * Example (test/clinic/rooming/procedures/woundMath.test.ts): 20 x 10 mm then 15 x 8 mm is 200 -> 120 mm2,
 * (120 - 200) / 200 = -40 %.
 */

export interface WoundSize {
  lengthMm: number;
  widthMm: number;
  depthMm?: number;
}

export interface WoundChange {
  areaMm2: number;
  /** null for the first measurement (or when the earlier area was 0). */
  changeFromPreviousPct: number | null;
  changeFromFirstPct: number | null;
}

const round = (value: number, places: number): number => {
  const f = 10 ** places;
  return Math.round((value + Number.EPSILON) * f) / f;
};

/** Length x width in mm2, to two decimals (0.1 mm inputs multiply to at most two decimals). */
export function areaMm2(size: WoundSize): number {
  return round(size.lengthMm * size.widthMm, 2);
}

/** (to - from) / from in percent, one decimal; null when there is no earlier area to compare with. */
export function percentChange(from: number | undefined, to: number): number | null {
  if (from === undefined || from <= 0) {
    return null;
  }
  return round(((to - from) / from) * 100, 1);
}

/** Each measurement (oldest first) with its area and changes. */
export function changesOf(sizes: readonly WoundSize[]): WoundChange[] {
  const areas = sizes.map(areaMm2);
  return areas.map((area, i) => ({
    areaMm2: area,
    changeFromPreviousPct: i === 0 ? null : percentChange(areas[i - 1], area),
    changeFromFirstPct: i === 0 ? null : percentChange(areas[0], area),
  }));
}
