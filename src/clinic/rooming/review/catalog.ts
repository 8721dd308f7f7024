import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RXNORM, SNOMED } from '../model.js';

/**
 * The allergen and drug catalogs of reference/catalogs (sources in its README): loaded once, searched by words.
 * A query matches an entry when every word of the query starts a word of its display ("amox 500" finds
 * "Amoxicillin 500 MG Oral Tablet"), or when the query is the entry's code.
 */

export interface AllergenEntry {
  system: string;
  code: string;
  display: string;
  category: 'medication' | 'food' | 'environment';
  type: 'allergy' | 'intolerance';
}

export interface ReactionEntry {
  code: string;
  display: string;
}

export interface DrugEntry {
  code: string;
  display: string;
  source: string;
}

const CATALOG_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../reference/catalogs'
);
const SYSTEMS: Record<string, string> = { rxnorm: RXNORM, snomed: SNOMED };

interface Catalogs {
  allergens: AllergenEntry[];
  reactions: ReactionEntry[];
  drugs: DrugEntry[];
}

let loaded: Catalogs | undefined;

function catalogs(): Catalogs {
  if (!loaded) {
    const a = JSON.parse(fs.readFileSync(path.join(CATALOG_DIR, 'allergens.json'), 'utf8')) as {
      allergens: (Omit<AllergenEntry, 'system'> & { system: string })[];
      reactions: ReactionEntry[];
    };
    const d = JSON.parse(fs.readFileSync(path.join(CATALOG_DIR, 'drugs.json'), 'utf8')) as {
      drugs: DrugEntry[];
    };
    loaded = {
      allergens: a.allergens.map((e) => ({ ...e, system: SYSTEMS[e.system] ?? e.system })),
      reactions: a.reactions,
      drugs: d.drugs,
    };
  }
  return loaded;
}

/** The words of a text, lower case, split on anything that is not a letter or a digit. */
function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9.]+/)
    .filter((w) => w.length > 0);
}

/** Whether every query word starts some word of the display (or the query is the code). */
export function matches(query: string, display: string, code: string): boolean {
  const q = wordsOf(query);
  if (q.length === 0) return true;
  if (query.trim() === code) return true;
  const words = wordsOf(display);
  return q.every((qw) => words.some((w) => w.startsWith(qw)));
}

function search<T extends { display: string; code: string }>(list: T[], query: string, limit: number): T[] {
  const found = list.filter((e) => matches(query, e.display, e.code));
  // Entries whose display starts with the query come first, then alphabetical.
  const q = query.trim().toLowerCase();
  const starts = (e: T): number => (q && e.display.toLowerCase().startsWith(q) ? 0 : 1);
  return found.sort((a, b) => starts(a) - starts(b) || a.display.localeCompare(b.display)).slice(0, limit);
}

export function searchAllergens(query: string, limit = 20): AllergenEntry[] {
  return search(catalogs().allergens, query, limit);
}

export function searchDrugs(query: string, limit = 20): DrugEntry[] {
  return search(catalogs().drugs, query, limit);
}

export function allReactions(): ReactionEntry[] {
  return catalogs().reactions;
}

export function findAllergen(system: string, code: string): AllergenEntry | undefined {
  return catalogs().allergens.find((e) => e.system === system && e.code === code);
}

export function findReaction(code: string): ReactionEntry | undefined {
  return catalogs().reactions.find((e) => e.code === code);
}

export function findDrug(code: string): DrugEntry | undefined {
  return catalogs().drugs.find((e) => e.code === code);
}
