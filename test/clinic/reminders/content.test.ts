import type { Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { formatWhen, reminderText, type ReminderFacts } from '../../../src/clinic/reminders/content.js';
import {
  reminderAddresses,
  reminderLanguage,
  REMINDER_OPT_OUT_URL,
} from '../../../src/clinic/reminders/patientContact.js';
import { classifyReply } from '../../../src/clinic/reminders/replies.js';

// 2026-12-01 is a Tuesday; America/Chicago is UTC-6 in December (CST) and UTC-5 in July (CDT).
const facts: ReminderFacts = {
  language: 'en',
  clinicName: 'Riverbend Family Medicine',
  clinicPhone: '(512) 555-0100',
  address: '1200 River Bend Parkway, Riverbend, TX 75001',
  siteName: 'Main Clinic',
  start: new Date('2026-12-01T15:00:00Z'),
  timeZone: 'America/Chicago',
  providerName: 'Eleanor Whitfield, MD',
  visitType: { code: 'lab-draw', display: 'Lab draw' },
  preparation: 'Please do not eat or drink anything but water for 8 hours before your visit.',
};

describe('reminder texts', () => {
  it('formats the time in the clinic zone, in English and Spanish, across daylight saving', () => {
    expect(formatWhen(facts.start, 'America/Chicago', 'en')).toBe('Tuesday, December 1, 2026 at 9:00 AM');
    expect(formatWhen(facts.start, 'America/Chicago', 'es')).toBe(
      'martes, 1 de diciembre de 2026, a las 9:00 a. m.'
    );
    // 18:30 UTC on 15 July is 13:30 CDT, a Wednesday.
    const july = new Date('2026-07-15T18:30:00Z');
    expect(formatWhen(july, 'America/Chicago', 'en')).toBe('Wednesday, July 15, 2026 at 1:30 PM');
    expect(formatWhen(july, 'America/Chicago', 'es')).toBe('miércoles, 15 de julio de 2026, a la 1:30 p. m.');
    // Midnight and noon in 12-hour form.
    expect(formatWhen(new Date('2026-12-01T06:00:00Z'), 'America/Chicago', 'en')).toBe(
      'Tuesday, December 1, 2026 at 12:00 AM'
    );
    expect(formatWhen(new Date('2026-12-01T18:05:00Z'), 'America/Chicago', 'en')).toBe(
      'Tuesday, December 1, 2026 at 12:05 PM'
    );
  });

  it('writes the English email with clinic, time, place, provider, preparation and how to answer', () => {
    const text = reminderText(facts);
    expect(text.subject).toBe('Appointment reminder: Tuesday, December 1, 2026 at 9:00 AM');
    expect(text.email).toBe(
      [
        'Hello,',
        '',
        'This is a reminder of your appointment at Riverbend Family Medicine.',
        '',
        'When: Tuesday, December 1, 2026 at 9:00 AM',
        'Where: Main Clinic, 1200 River Bend Parkway, Riverbend, TX 75001',
        'With: Eleanor Whitfield, MD',
        'Visit: lab draw',
        '',
        'Before your visit: Please do not eat or drink anything but water for 8 hours before your visit.',
        '',
        'Reply C to confirm or R to reschedule. Phone: (512) 555-0100.',
        '',
      ].join('\n')
    );
    expect(text.sms).toBe(
      'Riverbend Family Medicine: reminder of your lab draw appointment on Tuesday, December 1, 2026 at 9:00 AM' +
        ' with Eleanor Whitfield, MD at Main Clinic, 1200 River Bend Parkway, Riverbend, TX 75001.' +
        ' Please do not eat or drink anything but water for 8 hours before your visit.' +
        ' Reply C to confirm or R to reschedule. Phone (512) 555-0100'
    );
  });

  it('writes the Spanish text message', () => {
    const text = reminderText({
      ...facts,
      language: 'es',
      preparation: 'Por favor, no coma ni beba nada excepto agua durante las 8 horas antes de su cita.',
    });
    expect(text.subject).toBe('Recordatorio de cita: martes, 1 de diciembre de 2026, a las 9:00 a. m.');
    expect(text.sms).toBe(
      'Riverbend Family Medicine: le recordamos su cita (análisis de laboratorio) el martes, 1 de diciembre de 2026, a las 9:00 a. m.' +
        ' con Eleanor Whitfield, MD en Main Clinic, 1200 River Bend Parkway, Riverbend, TX 75001.' +
        ' Por favor, no coma ni beba nada excepto agua durante las 8 horas antes de su cita.' +
        ' Responda C para confirmar o R para cambiar la cita. Tel. (512) 555-0100'
    );
    expect(text.email).toContain('Cuándo: martes, 1 de diciembre de 2026, a las 9:00 a. m.\n');
    expect(text.email).toContain('Tipo de cita: análisis de laboratorio\n');
  });

  it('never names the patient', () => {
    const text = reminderText(facts);
    expect(Object.keys(facts)).not.toContain('patientName');
    expect(text.email).not.toMatch(/Dear|Estimad/);
  });
});

describe('who gets a reminder, where, in which language', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const base: Patient = {
    resourceType: 'Patient',
    telecom: [
      { system: 'phone', value: '(512) 555-0101', use: 'home' },
      { system: 'phone', value: '(512) 555-0102', use: 'mobile' },
      { system: 'email', value: 'ana@example.com' },
    ],
  };
  it('emails the email address and texts only a mobile phone', () => {
    expect(reminderAddresses(base, ['email', 'sms'], now)).toEqual({
      email: 'ana@example.com',
      sms: '(512) 555-0102',
    });
    const homeOnly: Patient = {
      resourceType: 'Patient',
      telecom: [{ system: 'phone', value: '1', use: 'home' }],
    };
    expect(reminderAddresses(homeOnly, ['email', 'sms'], now)).toEqual({});
  });
  it('uses only the preferred channel (rank 1) and nothing for an opted-out patient', () => {
    const prefersEmail: Patient = {
      ...base,
      telecom: base.telecom?.map((t) => (t.system === 'email' ? { ...t, rank: 1 } : t)),
    };
    expect(reminderAddresses(prefersEmail, ['email', 'sms'], now)).toEqual({ email: 'ana@example.com' });
    const prefersHomePhone: Patient = {
      ...base,
      telecom: base.telecom?.map((t) => (t.use === 'home' ? { ...t, rank: 1 } : t)),
    };
    expect(Object.keys(reminderAddresses(prefersHomePhone, ['email', 'sms'], now)).sort()).toEqual([
      'email',
      'sms',
    ]);
    const optedOut: Patient = { ...base, extension: [{ url: REMINDER_OPT_OUT_URL, valueBoolean: true }] };
    expect(reminderAddresses(optedOut, ['email', 'sms'], now)).toEqual({});
    expect(reminderAddresses(base, ['sms'], now)).toEqual({ sms: '(512) 555-0102' });
  });
  it('writes in the preferred language, English otherwise', () => {
    const spanish = (code: string): Patient => ({
      resourceType: 'Patient',
      communication: [
        { language: { coding: [{ code: 'en' }] } },
        { language: { coding: [{ code }] }, preferred: true },
      ],
    });
    expect(reminderLanguage(spanish('es'))).toBe('es');
    expect(reminderLanguage(spanish('es-MX'))).toBe('es');
    expect(reminderLanguage(spanish('vi'))).toBe('en');
    expect(reminderLanguage({ resourceType: 'Patient' })).toBe('en');
  });
});

describe('reading a reply', () => {
  it('confirms, asks to reschedule, or leaves it to a person', () => {
    for (const yes of ['C', 'c', ' yes ', 'Sí', 'SI', 'Yes!', 'Confirm']) {
      expect(classifyReply(yes)).toBe('confirm');
    }
    for (const r of ['R', 'reschedule', 'Reprogramar']) {
      expect(classifyReply(r)).toBe('reschedule');
    }
    for (const other of ['', 'Who is this?', 'can I come at 3 instead of 9', 'STOP']) {
      expect(classifyReply(other)).toBe('unknown');
    }
  });
});
