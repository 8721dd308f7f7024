import type { Language } from './settings.js';

/** What a reminder says, gathered from the Appointment, its site and its provider. */
export interface ReminderFacts {
  language: Language;
  clinicName: string;
  clinicPhone?: string;
  /** The site's address on one line. */
  address?: string;
  /** The site's name, when it differs from the clinic's. */
  siteName?: string;
  start: Date;
  timeZone: string;
  providerName?: string;
  visitType?: { code?: string; display?: string };
  preparation?: string;
}

export interface ReminderText {
  subject: string;
  /** The email's body (plain text). */
  email: string;
  /** The text message (one paragraph). */
  sms: string;
}

const MONTHS: Record<Language, string[]> = {
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
  es: [
    'enero',
    'febrero',
    'marzo',
    'abril',
    'mayo',
    'junio',
    'julio',
    'agosto',
    'septiembre',
    'octubre',
    'noviembre',
    'diciembre',
  ],
};
const WEEKDAYS: Record<Language, string[]> = {
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  es: ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'],
};

/** Visit types in Spanish (the codes of urn:medassist:visit-type); others keep their English display. */
const VISIT_TYPES_ES: Record<string, string> = {
  'new-patient': 'primera consulta',
  'follow-up': 'consulta de seguimiento',
  'nurse-visit': 'visita de enfermería',
  'lab-draw': 'análisis de laboratorio',
  procedure: 'procedimiento',
  telehealth: 'consulta por video',
};

/** The local wall-clock parts of an instant in a zone (numbers only, so no locale data decides the words). */
export function zonedParts(
  instant: Date,
  timeZone: string
): { year: number; month: number; day: number; weekday: number; hour: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const year = get('year');
  const month = get('month');
  const day = get('day');
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, weekday, hour: get('hour') % 24, minute: get('minute') };
}

/** "Friday, November 27, 2026 at 9:05 AM" / "viernes, 27 de noviembre de 2026, a las 9:05 a. m." */
export function formatWhen(instant: Date, timeZone: string, language: Language): string {
  const t = zonedParts(instant, timeZone);
  const h12 = t.hour % 12 === 0 ? 12 : t.hour % 12;
  const mm = String(t.minute).padStart(2, '0');
  if (language === 'es') {
    const half = t.hour < 12 ? 'a. m.' : 'p. m.';
    const article = h12 === 1 ? 'a la' : 'a las';
    return `${WEEKDAYS.es[t.weekday]}, ${t.day} de ${MONTHS.es[t.month - 1]} de ${t.year}, ${article} ${h12}:${mm} ${half}`;
  }
  const half = t.hour < 12 ? 'AM' : 'PM';
  return `${WEEKDAYS.en[t.weekday]}, ${MONTHS.en[t.month - 1]} ${t.day}, ${t.year} at ${h12}:${mm} ${half}`;
}

function visitName(facts: ReminderFacts): string | undefined {
  const code = facts.visitType?.code;
  if (facts.language === 'es' && code && VISIT_TYPES_ES[code]) {
    return VISIT_TYPES_ES[code];
  }
  return facts.visitType?.display?.toLowerCase();
}

function place(facts: ReminderFacts): string | undefined {
  const parts = [facts.siteName, facts.address].filter((x): x is string => !!x);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/**
 * Writes a reminder in the patient's language. No patient name or date of birth goes in a reminder: a text
 * shows on a locked phone's screen, and an email address may be shared.
 */
export function reminderText(facts: ReminderFacts): ReminderText {
  const when = formatWhen(facts.start, facts.timeZone, facts.language);
  const visit = visitName(facts);
  const where = place(facts);
  if (facts.language === 'es') {
    const lines = [
      'Hola:',
      '',
      `Le recordamos su cita en ${facts.clinicName}.`,
      '',
      `Cuándo: ${when}`,
      ...(where ? [`Dónde: ${where}`] : []),
      ...(facts.providerName ? [`Con: ${facts.providerName}`] : []),
      ...(visit ? [`Tipo de cita: ${visit}`] : []),
      ...(facts.preparation ? ['', `Antes de su cita: ${facts.preparation}`] : []),
      '',
      'Responda C para confirmar o R para cambiar la cita.' +
        (facts.clinicPhone ? ` Teléfono: ${facts.clinicPhone}.` : ''),
    ];
    const sms = [
      `${facts.clinicName}: le recordamos su cita${visit ? ` (${visit})` : ''} el ${when}`,
      facts.providerName ? ` con ${facts.providerName}` : '',
      where ? ` en ${where}` : '',
      '.',
      facts.preparation ? ` ${facts.preparation}` : '',
      ' Responda C para confirmar o R para cambiar la cita.',
      facts.clinicPhone ? ` Tel. ${facts.clinicPhone}` : '',
    ].join('');
    return { subject: `Recordatorio de cita: ${when}`, email: `${lines.join('\n')}\n`, sms };
  }
  const lines = [
    'Hello,',
    '',
    `This is a reminder of your appointment at ${facts.clinicName}.`,
    '',
    `When: ${when}`,
    ...(where ? [`Where: ${where}`] : []),
    ...(facts.providerName ? [`With: ${facts.providerName}`] : []),
    ...(visit ? [`Visit: ${visit}`] : []),
    ...(facts.preparation ? ['', `Before your visit: ${facts.preparation}`] : []),
    '',
    'Reply C to confirm or R to reschedule.' + (facts.clinicPhone ? ` Phone: ${facts.clinicPhone}.` : ''),
  ];
  const sms = [
    `${facts.clinicName}: reminder of your ${visit ? `${visit} ` : ''}appointment on ${when}`,
    facts.providerName ? ` with ${facts.providerName}` : '',
    where ? ` at ${where}` : '',
    '.',
    facts.preparation ? ` ${facts.preparation}` : '',
    ' Reply C to confirm or R to reschedule.',
    facts.clinicPhone ? ` Phone ${facts.clinicPhone}` : '',
  ].join('');
  return { subject: `Appointment reminder: ${when}`, email: `${lines.join('\n')}\n`, sms };
}
