import type { HumanName, Identifier, Patient } from '@medplum/fhirtypes';
import { hidesRestricted, isRestrictedPatient } from '../../auth/policy.js';
import { parseDateRange } from '../../fhir/dates.js';
import { normalizeString } from '../../fhir/strings.js';
import type { RequestContext } from '../../store/context.js';
import type { SqlConnection } from '../../store/db.js';
import {
  asBody,
  birthDate,
  isCalendarDate,
  optionalText,
  phone,
  phoneDigits,
  text,
  todayOf,
} from './input.js';

/**
 * Duplicate protection before registering a patient. A likely match is a chart with a similar name (pg_trgm
 * similarity of the normalized "given family", the same SQL on both engines) AND the same or a mistyped
 * birth date (day and month swapped, or two adjacent digits swapped), or with the same phone number.
 */
export const MRN_SYSTEM = 'urn:medassist:mrn';

/** pg_trgm's own default threshold (pg_trgm.similarity_threshold): "Jon Smyth" ~ "John Smith" is 5/16. */
export const NAME_SIMILARITY = 0.3;

export interface MatchQuery {
  family: string;
  given: string[];
  birthDate: string;
  phones: string[];
}

export type BirthDateMatch = 'same' | 'day-month-swapped' | 'digits-transposed';

export interface MatchReason {
  kind: 'name' | 'birthDate' | 'phone';
  text: string;
  similarity?: number;
  birthDate?: BirthDateMatch;
}

export interface LikelyMatch {
  /** Null when the chart is restricted and the caller may not open it: they learn only that one matches. */
  patient: { id: string; name: string; birthDate?: string; mrn?: string; phone?: string } | null;
  restricted: boolean;
  /** high: similar name and (mistyped) birth date or phone; possible: the same phone only. */
  confidence: 'high' | 'possible';
  reasons: MatchReason[];
}

export function parseMatchQuery(body: unknown, now: Date): MatchQuery {
  const b = asBody(body);
  const given = (Array.isArray(b.given) ? b.given : [b.given])
    .map((g, i) => optionalText(g, i === 0 ? 'given' : `given[${i}]`, 100))
    .filter((g): g is string => !!g);
  if (given.length === 0) {
    text(undefined, 'given', 100);
  }
  const phones = (Array.isArray(b.phones) ? b.phones : b.phone === undefined ? [] : [b.phone])
    .filter((p) => typeof p !== 'string' || p.trim() !== '')
    .map((p, i) => phone(p, `phones[${i}]`));
  return {
    family: text(b.family, 'family', 100),
    given,
    birthDate: birthDate(b.birthDate, 'birthDate', todayOf(now)),
    phones,
  };
}

/** "given family", normalized as string search normalizes (accents off, lower case). */
export function comparableName(given: readonly string[], family: string): string {
  return normalizeString([...given, family].join(' '));
}

/** The date with day and month swapped, when that is another real date. */
export function dayMonthSwapped(d: string): string | undefined {
  const swapped = `${d.slice(0, 4)}-${d.slice(8, 10)}-${d.slice(5, 7)}`;
  return swapped !== d && isCalendarDate(swapped) ? swapped : undefined;
}

/** Real dates made by swapping two adjacent digits of YYYYMMDD (the commonest typing slip). */
export function transposedDigits(d: string): string[] {
  const digits = d.replace(/-/g, '');
  const out = new Set<string>();
  for (let i = 0; i < digits.length - 1; i++) {
    if (digits[i] === digits[i + 1]) continue;
    const s = digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2);
    const candidate = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
    if (isCalendarDate(candidate) && candidate !== d) out.add(candidate);
  }
  return [...out];
}

export function birthDateMatch(entered: string, charted: string | undefined): BirthDateMatch | undefined {
  if (!charted) return undefined;
  if (charted === entered) return 'same';
  if (dayMonthSwapped(entered) === charted) return 'day-month-swapped';
  if (transposedDigits(entered).includes(charted)) return 'digits-transposed';
  return undefined;
}

const BIRTH_DATE_TEXT: Record<BirthDateMatch, string> = {
  same: 'same date of birth',
  'day-month-swapped': 'date of birth with day and month swapped',
  'digits-transposed': 'date of birth with two digits swapped',
};

export function displayName(names: readonly HumanName[] | undefined): string {
  const name = names?.find((n) => n.use === 'official') ?? names?.[0];
  return name ? [...(name.given ?? []), name.family ?? ''].join(' ').trim() : '';
}

export function mrnOf(identifiers: readonly Identifier[] | undefined): string | undefined {
  return identifiers?.find((i) => i.system === MRN_SYSTEM && i.use !== 'old')?.value;
}

/** The likely matches of a new patient among the practice's active charts, best first. */
export async function findMatches(
  conn: SqlConnection,
  ctx: RequestContext,
  q: MatchQuery,
  limit = 20
): Promise<LikelyMatch[]> {
  const dates = [q.birthDate, dayMonthSwapped(q.birthDate), ...transposedDigits(q.birthDate)]
    .filter((d): d is string => !!d)
    .map((d) => new Date(parseDateRange(d)?.lo ?? 0).toISOString());
  const digits = q.phones.map(phoneDigits);
  const phoneKeys = [...digits, ...digits.map((d) => `1${d}`)];
  const candidates = await conn.query<{ id: string; content: Patient }>(
    `SELECT r.id, r.content FROM resource r
     WHERE r.practice_id = $1 AND r.resource_type = 'Patient' AND NOT r.deleted AND r.id IN (
       SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = 'Patient'
         AND param = 'birthdate' AND lo = ANY($2::timestamptz[])
       UNION
       SELECT resource_id FROM search_index WHERE practice_id = $1 AND resource_type = 'Patient'
         AND param = 'phone' AND display = ANY($3::text[]))
     LIMIT 500`,
    [ctx.practiceId, dates, phoneKeys]
  );
  const active = candidates.rows.filter((r) => r.content.active !== false);
  if (active.length === 0) return [];
  const wanted = comparableName(q.given, q.family);
  // Every name a chart carries (legal, name to use, maiden) is compared; the best one counts.
  const pairs = active.flatMap((r) =>
    (r.content.name ?? []).map((n) => ({ id: r.id, name: comparableName(n.given ?? [], n.family ?? '') }))
  );
  const scored = await conn.query<{ i: number; s: number }>(
    'SELECT x.i::int AS i, similarity($1, x.n)::float8 AS s FROM unnest($2::text[]) WITH ORDINALITY AS x(n, i)',
    [wanted, pairs.map((p) => p.name)]
  );
  const best = new Map<string, number>();
  for (const row of scored.rows) {
    const pid = pairs[row.i - 1].id;
    best.set(pid, Math.max(best.get(pid) ?? 0, Number(row.s)));
  }
  const matches: (LikelyMatch & { score: number })[] = [];
  for (const { id, content } of active) {
    const similarity = best.get(id) ?? 0;
    const reasons: MatchReason[] = [];
    const nameSimilar = similarity >= NAME_SIMILARITY;
    if (nameSimilar) {
      reasons.push({
        kind: 'name',
        similarity: Math.round(similarity * 1000) / 1000,
        text: similarity >= 0.999 ? 'same name' : `similar name (${Math.round(similarity * 100)}% alike)`,
      });
    }
    const dob = birthDateMatch(q.birthDate, content.birthDate);
    if (dob && nameSimilar) {
      reasons.push({ kind: 'birthDate', birthDate: dob, text: BIRTH_DATE_TEXT[dob] });
    }
    const samePhone = (content.telecom ?? []).find(
      (t) => t.system === 'phone' && t.value && digits.includes(phoneDigits(t.value))
    );
    if (samePhone) {
      reasons.push({ kind: 'phone', text: `same phone number ${samePhone.value ?? ''}` });
    }
    if (!(nameSimilar && dob) && !samePhone) continue;
    const confidence = nameSimilar && (dob || samePhone) ? 'high' : 'possible';
    const hidden =
      ctx.principal &&
      hidesRestricted(ctx.principal) &&
      isRestrictedPatient(content) &&
      !ctx.principal.emergencyPatients.includes(id);
    matches.push({
      patient: hidden
        ? null
        : {
            id,
            name: displayName(content.name),
            birthDate: content.birthDate,
            mrn: mrnOf(content.identifier),
            phone: samePhone?.value ?? content.telecom?.find((t) => t.system === 'phone')?.value,
          },
      restricted: !!hidden,
      confidence,
      reasons,
      score: (confidence === 'high' ? 10 : 0) + similarity + (dob === 'same' ? 1 : dob ? 0.5 : 0),
    });
  }
  return matches
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map(({ score: _score, ...m }) => m);
}
