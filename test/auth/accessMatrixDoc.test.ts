import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCESS_MATRIX_DOC, renderAccessMatrix } from '../../scripts/access-matrix.js';
import { ACCESS_MATRIX, DATA_GROUPS, ROLES, type GroupName } from '../../src/auth/accessMatrix.js';

/**
 * docs/security/access-matrix.md is generated from src/auth/accessMatrix.ts (`npm run docs:access`); the
 * committed page must be exactly what the script prints now, so the page people read cannot drift from the
 * table the server enforces.
 */
describe('docs/security/access-matrix.md', () => {
  it('is what `npm run docs:access` writes from the matrix (run it after changing accessMatrix.ts)', async () => {
    const committed = readFileSync(new URL(`../../${ACCESS_MATRIX_DOC}`, import.meta.url), 'utf8');
    expect(committed).toBe(await renderAccessMatrix());
  });

  it('shows every cell of the matrix, role by role', async () => {
    const page = await renderAccessMatrix();
    const header = page.split('\n').find((line) => line.startsWith('| data group')) as string;
    const columns = header.split('|').map((c) => c.trim().replace(/`/g, ''));
    expect(columns.slice(2, 2 + ROLES.length)).toEqual([...ROLES]);
    for (const group of Object.keys(DATA_GROUPS) as GroupName[]) {
      const row = page.split('\n').find((line) => line.startsWith(`| \`${group}\` `)) as string;
      const cells = row.split('|').map((c) => c.trim().replace(/`/g, ''));
      ROLES.forEach((role, i) => {
        expect(cells[2 + i], `${role} x ${group}`).toBe(ACCESS_MATRIX[role][group] || '—');
      });
    }
  });
});
