import type { Coding, Questionnaire, QuestionnaireItem } from '@medplum/fhirtypes';
import { LOINC, SNOMED } from '../model.js';

/**
 * The screening instruments as FHIR R4 Questionnaires kept in code (docs/rooming/screenings.md). MAs read
 * them and never edit them, so they are served by the API (GET /api/rooming/questionnaires/:id) and a
 * QuestionnaireResponse points at them by canonical URL `${QUESTIONNAIRE_BASE}/<id>`.
 *
 * Codes, and where they were checked (LOINC pages, HL7 SDC / SDOH Clinical Care IG examples, LHC-Forms):
 * - PHQ-2 55757-9 (items 44250-9, 44255-8; total 55758-7), PHQ-9 44249-1 (items 44250-9, 44255-8, 44259-0,
 *   44254-1, 44251-7, 44258-2, 44252-5, 44253-3, 44260-8; difficulty 69722-7; total 44261-6), answer list
 *   LL358-3 (LA6568-5 / LA6569-3 / LA6570-1 / LA6571-9 = 0-3) and difficulty LA6572-7, LA6573-5, LA6575-0
 *   (very), LA6574-3 (extremely).
 * - GAD-7 69737-5 (items 69725-0, 68509-9, 69733-4, 69734-2, 69735-9, 69689-8, 69736-7; total 70274-6).
 * - AHC HRSN 96777-8 core questions: living situation 71802-3 (LA31993-1 / LA31994-9 / LA31995-6), housing
 *   problems 96778-6 (LA31996-4 pests, LA28580-1 mold, LA31997-2 lead, LA31998-0 heat, LA31999-8 oven,
 *   LA32000-4 smoke detectors, LA32001-2 leaks, LA9-3 none), food 88122-7 and 88123-5 (LA28397-0 often,
 *   LA6729-3 sometimes, LA28398-8 never true), transportation 93030-5 and utilities 96779-4 (LA33-6 yes,
 *   LA32-8 no, LA32002-0 already shut off), safety 95618-5, 95617-7, 95616-9, 95615-1 (LA6270-8 never,
 *   LA10066-1 rarely, LA10082-8 sometimes, LA16644-9 fairly often, LA6482-9 frequently = 1-5; total 95614-4).
 * - Fall risk: the CDC STEADI "Stay Independent" brochure, 12 yes/no questions (yes = 2 points for the first
 *   two, 1 for the others; >= 4 at risk). Its items have no LOINC codes we could confirm, so its linkIds are
 *   our own (`steadi-1`..`steadi-12`) with LOINC yes/no answers (LA33-6 / LA32-8). UNSURE: the instrument
 *   code 73830-2 "Fall risk assessment" is the code CMS eCQM value sets use for a fall-risk screening; one
 *   profile we saw labels it "Morse Fall Scale panel". Recheck against loinc.org before relying on it.
 * - Tobacco: 72166-2 Tobacco smoking status, SNOMED 449868002 current every day, 428041000124106 current
 *   some day, 8517006 former, 266919005 never, 266927001 unknown (US Core smoking status value set).
 * - Pregnancy status 82810-3, SNOMED 77386006 pregnant, 60001007 not pregnant, 261665006 unknown.
 */

export const QUESTIONNAIRE_BASE = 'https://medassist.dev/fhir/Questionnaire';
export const ORDINAL_VALUE_URL = 'http://hl7.org/fhir/StructureDefinition/ordinalValue';

export const SCREENING_IDS = [
  'phq-2',
  'phq-9',
  'gad-7',
  'fall-risk',
  'tobacco',
  'social-needs',
  'pregnancy',
] as const;
export type ScreeningId = (typeof SCREENING_IDS)[number];

export function isScreeningId(id: string): id is ScreeningId {
  return (SCREENING_IDS as readonly string[]).includes(id);
}

/** An answer option: its code (what the API takes), label and points. */
export interface AnswerOption {
  system: string;
  code: string;
  display: string;
  /** Points toward the score (ordinalValue extension); absent for unscored answers. */
  points?: number;
}

/** One question: the linkId is the LOINC item code where LOINC has one. */
export interface ScreeningItem {
  linkId: string;
  text: string;
  code?: Coding;
  options: AnswerOption[];
  required: boolean;
  /** More than one answer may be chosen (AHC housing problems). */
  repeats?: boolean;
  /** Counts toward the instrument's total. */
  scored: boolean;
}

export interface ScreeningDefinition {
  id: ScreeningId;
  /** Short title, as on the button: "Save PHQ-2". */
  title: string;
  name: string;
  /** The instrument's LOINC code: the Questionnaire code and the result Observation's code. */
  code: Coding;
  /** 'score' instruments give a number; 'status' ones (tobacco, pregnancy) record a coded value. */
  kind: 'score' | 'status';
  preamble?: string;
  /** Who owns the instrument and on what terms it is used (Questionnaire.copyright). */
  copyright?: string;
  items: ScreeningItem[];
}

const PFIZER =
  'PHQ and GAD-7 instruments: developed by Drs. Robert L. Spitzer, Janet B.W. Williams, Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.';

const loinc = (code: string, display: string): Coding => ({ system: LOINC, code, display });
const la = (code: string, display: string, points?: number): AnswerOption => ({
  system: LOINC,
  code,
  display,
  ...(points === undefined ? {} : { points }),
});
const sct = (code: string, display: string): AnswerOption => ({ system: SNOMED, code, display });

/** PHQ and GAD answers: "over the last 2 weeks, how often have you been bothered by..." 0-3. */
const FREQUENCY = [
  la('LA6568-5', 'Not at all', 0),
  la('LA6569-3', 'Several days', 1),
  la('LA6570-1', 'More than half the days', 2),
  la('LA6571-9', 'Nearly every day', 3),
];
const DIFFICULTY = [
  la('LA6572-7', 'Not difficult at all'),
  la('LA6573-5', 'Somewhat difficult'),
  la('LA6575-0', 'Very difficult'),
  la('LA6574-3', 'Extremely difficult'),
];
const YES = 'LA33-6';
const NO = 'LA32-8';

const scored = (linkId: string, text: string, display = text): ScreeningItem => ({
  linkId,
  text,
  code: loinc(linkId, display),
  options: FREQUENCY,
  required: true,
  scored: true,
});

const PHQ2_ITEMS: ScreeningItem[] = [
  scored('44250-9', 'Little interest or pleasure in doing things'),
  scored('44255-8', 'Feeling down, depressed, or hopeless'),
];

const PHQ9_ITEMS: ScreeningItem[] = [
  ...PHQ2_ITEMS,
  scored('44259-0', 'Trouble falling or staying asleep, or sleeping too much'),
  scored('44254-1', 'Feeling tired or having little energy'),
  scored('44251-7', 'Poor appetite or overeating'),
  scored(
    '44258-2',
    'Feeling bad about yourself - or that you are a failure or have let yourself or your family down'
  ),
  scored('44252-5', 'Trouble concentrating on things, such as reading the newspaper or watching television'),
  scored(
    '44253-3',
    'Moving or speaking so slowly that other people could have noticed. Or the opposite - being so fidgety or restless that you have been moving around a lot more than usual'
  ),
  scored('44260-8', 'Thoughts that you would be better off dead, or of hurting yourself in some way'),
  {
    linkId: '69722-7',
    text: 'If you checked off any problems, how difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?',
    code: loinc(
      '69722-7',
      'How difficult have these problems made it for you to do your work, take care of things at home, or get along with other people'
    ),
    options: DIFFICULTY,
    required: false,
    scored: false,
  },
];

const GAD7_ITEMS: ScreeningItem[] = [
  scored('69725-0', 'Feeling nervous, anxious, or on edge'),
  scored('68509-9', 'Not being able to stop or control worrying'),
  scored('69733-4', 'Worrying too much about different things'),
  scored('69734-2', 'Trouble relaxing'),
  scored('69735-9', 'Being so restless that it is hard to sit still'),
  scored('69689-8', 'Becoming easily annoyed or irritable'),
  scored('69736-7', 'Feeling afraid, as if something awful might happen'),
];

/** STEADI "Stay Independent": [text, points for yes]. */
const STEADI: [string, number][] = [
  ['I have fallen in the past year.', 2],
  ['I use or have been advised to use a cane or walker to get around safely.', 2],
  ['Sometimes I feel unsteady when I am walking.', 1],
  ['I steady myself by holding onto furniture when walking at home.', 1],
  ['I am worried about falling.', 1],
  ['I need to push with my hands to stand up from a chair.', 1],
  ['I have some trouble stepping up onto a curb.', 1],
  ['I often have to rush to the toilet.', 1],
  ['I have lost some feeling in my feet.', 1],
  ['I take medicine that sometimes makes me feel light-headed or more tired than usual.', 1],
  ['I take medicine to help me sleep or improve my mood.', 1],
  ['I often feel sad or depressed.', 1],
];

const FALL_ITEMS: ScreeningItem[] = STEADI.map(([text, points], i) => ({
  linkId: `steadi-${i + 1}`,
  text,
  options: [la(YES, 'Yes', points), la(NO, 'No', 0)],
  required: true,
  scored: true,
}));

const SAFETY = [
  la('LA6270-8', 'Never', 1),
  la('LA10066-1', 'Rarely', 2),
  la('LA10082-8', 'Sometimes', 3),
  la('LA16644-9', 'Fairly often', 4),
  la('LA6482-9', 'Frequently', 5),
];
const FOOD = [la('LA28397-0', 'Often true'), la('LA6729-3', 'Sometimes true'), la('LA28398-8', 'Never true')];
const safety = (linkId: string, text: string): ScreeningItem => ({
  linkId,
  text: `How often does anyone, including family and friends, ${text}`,
  code: loinc(linkId, text),
  options: SAFETY,
  required: true,
  scored: true,
});
const coded = (
  linkId: string,
  text: string,
  options: AnswerOption[],
  extra: Partial<ScreeningItem> = {}
) => ({
  linkId,
  text,
  code: loinc(linkId, text),
  options,
  required: true,
  scored: false,
  ...extra,
});

const HRSN_ITEMS: ScreeningItem[] = [
  coded('71802-3', 'What is your living situation today?', [
    la('LA31993-1', 'I have a steady place to live'),
    la('LA31994-9', 'I have a place to live today, but I am worried about losing it in the future'),
    la(
      'LA31995-6',
      'I do not have a steady place to live (I am temporarily staying with others, in a hotel, in a shelter, living outside on the street, on a beach, in a car, abandoned building, bus or train station, or in a park)'
    ),
  ]),
  coded(
    '96778-6',
    'Think about the place you live. Do you have problems with any of the following?',
    [
      la('LA31996-4', 'Pests such as bugs, ants, or mice'),
      la('LA28580-1', 'Mold'),
      la('LA31997-2', 'Lead paint or pipes'),
      la('LA31998-0', 'Lack of heat'),
      la('LA31999-8', 'Oven or stove not working'),
      la('LA32000-4', 'Smoke detectors missing or not working'),
      la('LA32001-2', 'Water leaks'),
      la('LA9-3', 'None of the above'),
    ],
    { repeats: true }
  ),
  coded(
    '88122-7',
    'Within the past 12 months, you worried that your food would run out before you got money to buy more.',
    FOOD
  ),
  coded(
    '88123-5',
    "Within the past 12 months, the food you bought just didn't last and you didn't have money to get more.",
    FOOD
  ),
  coded(
    '93030-5',
    'In the past 12 months, has lack of reliable transportation kept you from medical appointments, meetings, work or from getting things needed for daily living?',
    [la(YES, 'Yes'), la(NO, 'No')]
  ),
  coded(
    '96779-4',
    'In the past 12 months has the electric, gas, oil, or water company threatened to shut off services in your home?',
    [la(YES, 'Yes'), la(NO, 'No'), la('LA32002-0', 'Already shut off')]
  ),
  safety('95618-5', 'physically hurt you?'),
  safety('95617-7', 'insult or talk down to you?'),
  safety('95616-9', 'threaten you with harm?'),
  safety('95615-1', 'scream or curse at you?'),
];

export const SCREENINGS: Record<ScreeningId, ScreeningDefinition> = {
  'phq-2': {
    id: 'phq-2',
    title: 'PHQ-2',
    name: 'Patient Health Questionnaire-2',
    code: loinc('55757-9', 'Patient Health Questionnaire 2 item (PHQ-2) [Reported]'),
    kind: 'score',
    preamble: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
    copyright: PFIZER,
    items: PHQ2_ITEMS,
  },
  'phq-9': {
    id: 'phq-9',
    title: 'PHQ-9',
    name: 'Patient Health Questionnaire-9',
    code: loinc('44249-1', 'PHQ-9 quick depression assessment panel [Reported.PHQ]'),
    kind: 'score',
    preamble: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
    copyright: PFIZER,
    items: PHQ9_ITEMS,
  },
  'gad-7': {
    id: 'gad-7',
    title: 'GAD-7',
    name: 'Generalized Anxiety Disorder 7-item scale',
    code: loinc('69737-5', 'Generalized anxiety disorder 7 item (GAD-7)'),
    kind: 'score',
    preamble: 'Over the last 2 weeks, how often have you been bothered by the following problems?',
    copyright: PFIZER,
    items: GAD7_ITEMS,
  },
  'fall-risk': {
    id: 'fall-risk',
    title: 'Fall risk',
    name: 'STEADI Stay Independent (CDC)',
    code: loinc('73830-2', 'Fall risk assessment'),
    kind: 'score',
    preamble: 'Please answer yes or no to each statement.',
    copyright:
      'CDC STEADI (Stopping Elderly Accidents, Deaths & Injuries), Stay Independent brochure: a U.S. government work.',
    items: FALL_ITEMS,
  },
  tobacco: {
    id: 'tobacco',
    title: 'Tobacco use',
    name: 'Tobacco smoking status',
    code: loinc('72166-2', 'Tobacco smoking status'),
    kind: 'status',
    items: [
      {
        linkId: '72166-2',
        text: 'Tobacco smoking status',
        code: loinc('72166-2', 'Tobacco smoking status'),
        options: [
          sct('449868002', 'Smokes tobacco daily'),
          sct('428041000124106', 'Occasional tobacco smoker'),
          sct('8517006', 'Ex-smoker'),
          sct('266919005', 'Never smoked tobacco'),
          sct('266927001', 'Tobacco smoking consumption unknown'),
        ],
        required: true,
        scored: false,
      },
    ],
  },
  'social-needs': {
    id: 'social-needs',
    title: 'Social needs',
    name: 'AHC Health-Related Social Needs screening (core questions)',
    code: loinc(
      '96777-8',
      'Accountable health communities (AHC) health-related social needs screening (HRSN) tool'
    ),
    kind: 'score',
    copyright:
      'CMS Accountable Health Communities Health-Related Social Needs Screening Tool: a U.S. government work.',
    items: HRSN_ITEMS,
  },
  pregnancy: {
    id: 'pregnancy',
    title: 'Pregnancy status',
    name: 'Pregnancy status',
    code: loinc('82810-3', 'Pregnancy status'),
    kind: 'status',
    items: [
      {
        linkId: '82810-3',
        text: 'Pregnancy status',
        code: loinc('82810-3', 'Pregnancy status'),
        options: [sct('77386006', 'Pregnant'), sct('60001007', 'Not pregnant'), sct('261665006', 'Unknown')],
        required: true,
        scored: false,
      },
    ],
  },
};

/** Short labels of status answers for pickers (the SNOMED displays are long or technical). */
export const STATUS_LABELS: Record<string, string> = {
  '449868002': 'Current every day smoker',
  '428041000124106': 'Current some day smoker',
  '8517006': 'Former smoker',
  '266919005': 'Never smoker',
  '266927001': 'Unknown if ever smoked',
  '77386006': 'Pregnant',
  '60001007': 'Not pregnant',
  '261665006': 'Unknown',
};

export function canonicalOf(id: ScreeningId): string {
  return `${QUESTIONNAIRE_BASE}/${id}`;
}

function questionnaireItem(item: ScreeningItem): QuestionnaireItem {
  return {
    linkId: item.linkId,
    ...(item.code ? { code: [item.code] } : {}),
    text: item.text,
    type: 'choice',
    required: item.required,
    ...(item.repeats ? { repeats: true } : {}),
    answerOption: item.options.map((o) => ({
      valueCoding: { system: o.system, code: o.code, display: STATUS_LABELS[o.code] ?? o.display },
      ...(o.points === undefined ? {} : { extension: [{ url: ORDINAL_VALUE_URL, valueDecimal: o.points }] }),
    })),
  };
}

/** The FHIR R4 Questionnaire of a screening. */
export function questionnaireOf(id: ScreeningId): Questionnaire {
  const def = SCREENINGS[id];
  return {
    resourceType: 'Questionnaire',
    id,
    url: canonicalOf(id),
    version: '1',
    name: def.title.replace(/[^A-Za-z0-9]/g, ''),
    title: def.name,
    status: 'active',
    subjectType: ['Patient'],
    code: [def.code],
    ...(def.copyright ? { copyright: def.copyright } : {}),
    item: [
      ...(def.preamble ? [{ linkId: 'preamble', text: def.preamble, type: 'display' as const }] : []),
      ...def.items.map(questionnaireItem),
    ],
  };
}
