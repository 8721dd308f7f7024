import { describe, expect, it } from 'vitest';
import { DEFAULT_PATH, safeNextPath, signInPath } from '../../web/src/auth/nextPath.js';

describe('safeNextPath', () => {
  it('keeps a same-origin path with its query and fragment', () => {
    expect(safeNextPath('/patients/demo-pat-0004')).toBe('/patients/demo-pat-0004');
    expect(safeNextPath('/administration/audit?x=1#top')).toBe('/administration/audit?x=1#top');
    expect(safeNextPath('/')).toBe('/');
  });

  it('refuses anything that would leave the origin', () => {
    for (const next of [
      'https://evil.example/',
      '//evil.example/path',
      '/\\evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      'javascript:alert(1)',
      'evil.example',
      ' /patients',
    ]) {
      expect(safeNextPath(next), next).toBe(DEFAULT_PATH);
    }
  });

  it('falls back to the patients screen when missing, empty or the sign-in screen itself', () => {
    expect(safeNextPath(null)).toBe(DEFAULT_PATH);
    expect(safeNextPath(undefined)).toBe(DEFAULT_PATH);
    expect(safeNextPath('')).toBe(DEFAULT_PATH);
    expect(safeNextPath('/sign-in')).toBe(DEFAULT_PATH);
    expect(safeNextPath('/sign-in?next=%2Fpatients')).toBe(DEFAULT_PATH);
  });

  it('normalises dot segments the way the browser would', () => {
    expect(safeNextPath('/patients/../administration/users')).toBe('/administration/users');
  });
});

describe('signInPath', () => {
  it('carries the path the user was on', () => {
    expect(signInPath('/patients/demo-pat-0004')).toBe('/sign-in?next=%2Fpatients%2Fdemo-pat-0004');
    expect(signInPath('/patients')).toBe('/sign-in?next=%2Fpatients');
  });

  it('needs no next for the sign-in screen itself', () => {
    expect(signInPath('/sign-in')).toBe('/sign-in');
  });
});
