import { describe, expect, it } from 'vitest';
import {
  emptyBp,
  criticalBanner,
  emptyForm,
  fieldValue,
  formProblem,
  flagTone,
  hasAnything,
  isWeightChangeQuestion,
  readingWords,
  toRequest,
} from '../../../../web/src/rooming/vitals/vitalsForm';

describe('vitals form -> request', () => {
  it('an empty form sends nothing', () => {
    expect(toRequest(emptyForm())).toEqual({});
    expect(hasAnything(emptyForm())).toBe(false);
  });

  it('imperial: ft+in, lb+oz, °F with method, room air, pain; blank BP rows are skipped', () => {
    const form = {
      ...emptyForm('imperial'),
      bp: [{ systolic: '128', diastolic: '82', position: 'sitting', arm: 'left', cuff: 'adult' }, emptyBp()],
      heartRate: '72',
      temperature: '98.6',
      spo2: '97',
      heightFt: '5',
      heightIn: '7',
      weightLb: '150',
      pain: '0',
    };
    expect(toRequest(form)).toEqual({
      bloodPressure: [{ systolic: 128, diastolic: 82, position: 'sitting', arm: 'left', cuff: 'adult' }],
      heartRate: 72,
      temperature: { value: 98.6, unit: '[degF]', method: 'oral' },
      oxygenSaturation: { value: 97, onOxygen: false },
      height: { ft: 5, in: 7 },
      weight: { lb: 150 },
      pain: 0,
    });
  });

  it('6 ft with no inches is 6 ft 0 in; on oxygen sends the flow; confirm is passed on', () => {
    const form = {
      ...emptyForm(),
      heightFt: '6',
      spo2: '91',
      onOxygen: true,
      oxygenFlow: '2',
      weightLb: '300',
    };
    expect(toRequest(form, ['weight-change'])).toEqual({
      height: { ft: 6, in: 0 },
      oxygenSaturation: { value: 91, onOxygen: true, oxygenFlow: 2 },
      weight: { lb: 300 },
      confirm: ['weight-change'],
    });
  });

  it('metric: cm, kg, °C, head circumference in cm', () => {
    const form = {
      ...emptyForm('metric'),
      heightCm: '72.5',
      weightKg: '8.845',
      temperature: '37.2',
      head: '44.5',
    };
    expect(toRequest(form)).toEqual({
      height: { cm: 72.5 },
      weight: { kg: 8.845 },
      temperature: { value: 37.2, unit: 'Cel', method: 'oral' },
      headCircumference: { cm: 44.5 },
    });
  });

  it('a word where a number belongs is sent as typed (the server names the field)', () => {
    expect(fieldValue(' 72 ')).toBe(72);
    expect(fieldValue('')).toBeUndefined();
    expect(fieldValue('fast')).toBe('fast');
  });

  it('a repeat BP row keeps the position, arm and cuff', () => {
    expect(
      emptyBp({ systolic: '150', diastolic: '95', position: 'standing', arm: 'right', cuff: 'large-adult' })
    ).toEqual({
      systolic: '',
      diastolic: '',
      position: 'standing',
      arm: 'right',
      cuff: 'large-adult',
    });
  });
});

describe('answers', () => {
  it('only a 409 naming weight is the weight-change question (a 422 weight outside human limits is not)', () => {
    const outcome = { issue: [{ code: 'business-rule', expression: ['weight'] }] };
    expect(isWeightChangeQuestion(409, outcome)).toBe(true);
    expect(isWeightChangeQuestion(422, outcome)).toBe(false);
    expect(isWeightChangeQuestion(409, { issue: [{ code: 'conflict', expression: ['status'] }] })).toBe(
      false
    );
  });

  it('flag tones: critical red, abnormal amber, normal none', () => {
    expect(flagTone('HH')).toBe('danger');
    expect(flagTone('LL')).toBe('danger');
    expect(flagTone('H')).toBe('warning');
    expect(flagTone('N')).toBeUndefined();
  });

  it('reading words', () => {
    expect(
      readingWords({
        sign: 'bloodPressure',
        components: [
          { value: 128, unit: 'mm[Hg]' },
          { value: 82, unit: 'mm[Hg]' },
        ],
      })
    ).toBe('128/82 mmHg');
    expect(readingWords({ sign: 'weight', value: 68.0389, unit: 'kg', asEntered: '150 lb' })).toBe(
      '68.0389 kg (entered 150 lb)'
    );
    expect(readingWords({ sign: 'temperature', value: 37, unit: 'Cel' })).toBe('37 °C');
    expect(readingWords({ sign: 'oxygenSaturation', value: 93, unit: '%', oxygenFlow: 2 })).toBe(
      '93 % on 2 L/min oxygen'
    );
    expect(readingWords({ sign: 'oxygenSaturation', value: 98, unit: '%', roomAir: true })).toBe(
      '98 % on room air'
    );
    // Neither flow nor room air recorded (older or imported readings): no claim either way.
    expect(readingWords({ sign: 'oxygenSaturation', value: 96, unit: '%', roomAir: false })).toBe('96 %');
  });

  it('the critical banner says "notified" only for a notice sent now, "already notified (open notice)" otherwise', () => {
    const sent = { status: 'sent' as const };
    const open = { status: 'already-open' as const };
    expect(criticalBanner({ repeatAdvised: false, critical: [] })).toBeUndefined();
    expect(criticalBanner({ repeatAdvised: true, critical: [{ sign: 'bloodPressure', notice: sent }] })).toBe(
      'Repeat the reading; the provider has been notified.'
    );
    expect(
      criticalBanner({ repeatAdvised: true, critical: [{ sign: 'oxygenSaturation', notice: open }] })
    ).toBe(
      'Repeat the reading; the provider was already notified (open notice, not yet acknowledged): no new notice was sent.'
    );
    expect(
      criticalBanner({
        repeatAdvised: true,
        critical: [
          { sign: 'bloodPressure', notice: open },
          { sign: 'oxygenSaturation', notice: sent },
        ],
      })
    ).toBe(
      'Repeat the reading; the provider has been notified of the SpO2 and was already notified of the ' +
        'blood pressure (open notice, not yet acknowledged).'
    );
  });
});

describe('the form refuses before sending', () => {
  it('"On supplemental O2" ticked without a flow: refused at the flow field, never sent as room air', () => {
    const ticked = { ...emptyForm(), spo2: '91', onOxygen: true };
    expect(formProblem(ticked)).toEqual({
      field: 'oxygenSaturation.oxygenFlow',
      message: expect.stringMatching(/Enter the O2 flow/),
    });
    expect(formProblem({ ...ticked, oxygenFlow: '2' })).toBeUndefined();
    // A flow without the saturation would be lost: refused at the SpO2 field.
    expect(formProblem({ ...emptyForm(), onOxygen: true, oxygenFlow: '2' })?.field).toBe(
      'oxygenSaturation.value'
    );
    // Unticked: room air, said so.
    expect(formProblem({ ...emptyForm(), spo2: '97' })).toBeUndefined();
    expect(toRequest({ ...emptyForm(), spo2: '97' })).toEqual({
      oxygenSaturation: { value: 97, onOxygen: false },
    });
  });
});
