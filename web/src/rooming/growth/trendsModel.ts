import type { HistoryRow, HistorySign } from './growthApi';
import type { TimeSeries } from './TimeChart';

/** The columns of the vitals history table, in order: the sign and its header. */
export const HISTORY_COLUMNS: { sign: HistorySign; header: string }[] = [
  { sign: 'bloodPressure', header: 'BP' },
  { sign: 'heartRate', header: 'HR' },
  { sign: 'respiratoryRate', header: 'RR' },
  { sign: 'temperature', header: 'Temp' },
  { sign: 'oxygenSaturation', header: 'SpO2' },
  { sign: 'height', header: 'Height' },
  { sign: 'weight', header: 'Weight' },
  { sign: 'bmi', header: 'BMI' },
  { sign: 'pain', header: 'Pain' },
  { sign: 'headCircumference', header: 'Head circ.' },
];

/** The series of one sign over time, oldest first (rows come newest first). */
export function signSeries(
  rows: readonly HistoryRow[],
  sign: HistorySign,
  label: string,
  part?: 'diastolic'
): TimeSeries {
  const points = [...rows].reverse().flatMap((r) => {
    const v = r.values[sign];
    const value = part === 'diastolic' ? v?.diastolic : v?.value;
    return value === undefined ? [] : [{ date: r.date, value: Math.round(value * 10) / 10 }];
  });
  return { label, points, ...(part === 'diastolic' ? { dashed: true } : {}) };
}

/** Months between a birth date and a day (days / 30.4375), as the server counts them. */
export function ageMonthsOf(birthDate: string | undefined, today: Date): number | undefined {
  if (!birthDate) return undefined;
  const [y, m = '01', d = '01'] = birthDate.split('-');
  const born = Date.UTC(Number(y), Number(m) - 1, Number(d));
  if (Number.isNaN(born)) return undefined;
  return Math.floor((today.getTime() - born) / 86_400_000) / 30.4375;
}

/** Growth charts apply from birth to 20 years (the CDC 2000 references end at 240.5 months). */
export function showsGrowthCharts(ageMonths: number | undefined): boolean {
  return ageMonths !== undefined && ageMonths >= 0 && ageMonths <= 240.5;
}
