import type { Location } from '@medplum/fhirtypes';
import { rgb } from 'pdf-lib';
import type { RequestContext } from '../../../store/context.js';
import type { SqlConnection } from '../../../store/db.js';
import { Repository } from '../../../store/repository.js';
import { flowBoard } from '../../flow/board.js';
import { addDays, localDate, timeZoneOf } from '../../flow/visit.js';
import { FlowPdf, wrap } from '../education/pdfLayout.js';
import { patientRecords } from './facts.js';
import { careGaps, type CareGap } from './rules.js';

/**
 * The huddle sheet (issue 6 item 11): a site's appointments of one day (the flow board's rows) with each
 * patient's care gaps as of that day, allergies (count, or NKDA) and visit type. Restricted charts show as
 * such, with no name and nothing else.
 */
export interface HuddleRow {
  appointmentId: string;
  start: string;
  /** Local time of the start, e.g. "9:20 AM". */
  time: string;
  restricted: boolean;
  patient: { id: string; name: string; birthDate?: string } | null;
  visitType: { code: string; display: string };
  provider?: { id: string; name: string };
  status: string;
  allergies: { count: number; nkda: boolean } | null;
  gaps: CareGap[];
}

export interface HuddleSheet {
  site: { id: string; name: string };
  date: string;
  timeZone: string;
  rows: HuddleRow[];
}

/** The day after `date` (YYYY-MM-DD). */
export function nextDay(date: string): string {
  return addDays(date, 1);
}

/** Builds the huddle sheet of a site for a local date (default: tomorrow in the site's time zone). */
export async function huddleSheet(
  conn: SqlConnection,
  ctx: RequestContext,
  siteId: string,
  date: string | undefined,
  now: Date
): Promise<HuddleSheet> {
  const site = (await new Repository(conn).read(ctx, 'Location', siteId)) as Location;
  const timeZone = timeZoneOf(site);
  const day = date ?? nextDay(localDate(now, timeZone));
  const board = await flowBoard(conn, ctx, siteId, day, now);
  const patients = board.rows.flatMap((r) =>
    r.patient ? [{ id: r.patient.id, birthDate: r.patient.birthDate }] : []
  );
  // The gaps are the site's: records dated in its zone, as the day is.
  const records = await patientRecords(conn, ctx, patients, timeZone);
  const time = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' });
  const rows: HuddleRow[] = board.rows
    .filter((r) => r.status !== 'no-show')
    .map((r) => {
      const record = r.patient ? records.get(r.patient.id) : undefined;
      return {
        appointmentId: r.appointmentId,
        start: r.start,
        time: r.start ? time.format(new Date(r.start)) : '',
        restricted: r.restricted,
        patient: r.patient,
        visitType: r.visitType,
        ...(r.provider ? { provider: r.provider } : {}),
        status: r.status,
        allergies: record ? record.allergies : null,
        gaps: record ? careGaps(record.facts, day) : [],
      };
    });
  return { site: { id: siteId, name: site.name ?? siteId }, date: day, timeZone, rows };
}

function allergyText(row: HuddleRow): string {
  if (!row.allergies) return '';
  if (row.allergies.count > 0)
    return `${row.allergies.count} allerg${row.allergies.count === 1 ? 'y' : 'ies'}`;
  return row.allergies.nkda ? 'NKDA' : 'Not recorded';
}

/** The printable huddle sheet: landscape, one table row per visit, two identifiers (name + DOB) per patient. */
export async function huddlePdf(sheet: HuddleSheet, printedAt: string): Promise<Uint8Array> {
  const columns = [
    { title: 'Time', width: 56 },
    { title: 'Patient (name, DOB)', width: 170 },
    { title: 'Visit', width: 90 },
    { title: 'Provider', width: 100 },
    { title: 'Allergies', width: 70 },
    { title: 'Care gaps', width: 210 },
  ];
  const header = (pdf: FlowPdf): void => {
    pdf.text(`Huddle sheet - ${sheet.site.name} - ${sheet.date}`, { size: 14, bold: true });
    pdf.text(`Printed ${printedAt}. Confidential: patient information.`, {
      size: 8,
      gray: true,
      gapAfter: 4,
    });
    let x = pdf.margin;
    pdf.page.drawRectangle({
      x: pdf.margin,
      y: pdf.y - 14,
      width: pdf.width,
      height: 16,
      color: rgb(0.9, 0.9, 0.9),
    });
    for (const c of columns) {
      pdf.page.drawText(c.title, { x: x + 2, y: pdf.y - 10, size: 9, font: pdf.fonts.bold });
      x += c.width;
    }
    pdf.y -= 18;
  };
  const pdf = await FlowPdf.create(`Huddle sheet ${sheet.site.name} ${sheet.date}`, {
    landscape: true,
    onNewPage: header,
  });
  if (sheet.rows.length === 0) {
    pdf.text('No visits booked for this day.', { size: 10 });
  }
  const size = 8.5;
  for (const row of sheet.rows) {
    const cells = [
      row.time,
      row.restricted || !row.patient
        ? 'Restricted chart'
        : `${row.patient.name}\nDOB ${row.patient.birthDate ?? 'unknown'}`,
      row.visitType.display,
      row.provider?.name ?? '',
      row.restricted ? '' : allergyText(row),
      row.restricted
        ? ''
        : row.gaps.length === 0
          ? 'None due'
          : row.gaps.map((g) => `- ${g.title}: ${g.why}`).join('\n'),
    ];
    const lines = cells.map((text, i) => wrap(text, pdf.fonts.regular, size, columns[i].width - 6));
    const height = Math.max(...lines.map((l) => l.length)) * (size + 2) + 6;
    pdf.ensure(height);
    let x = pdf.margin;
    lines.forEach((cellLines, i) => {
      cellLines.forEach((line, n) => {
        pdf.page.drawText(line, {
          x: x + 2,
          y: pdf.y - size - n * (size + 2),
          size,
          font: i === 1 && n === 0 ? pdf.fonts.bold : pdf.fonts.regular,
        });
      });
      x += columns[i].width;
    });
    pdf.y -= height;
    pdf.page.drawLine({
      start: { x: pdf.margin, y: pdf.y + 2 },
      end: { x: pdf.margin + pdf.width, y: pdf.y + 2 },
      thickness: 0.3,
      color: rgb(0.75, 0.75, 0.75),
    });
  }
  return pdf.bytes();
}
