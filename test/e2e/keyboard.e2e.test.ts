/**
 * The MA's path without a mouse: "/" (or Ctrl+K) focuses the search from anywhere, type, ArrowDown, Enter opens the
 * chart, Tab walks through it, and every focused element shows where focus is (WCAG 2.4.7 Focus Visible).
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { JOSE } from './demoPatients.js';
import { useSessionOf } from './signIn.js';
import {
  ORIGIN,
  banner,
  expectAccessible,
  focusIsVisible,
  focusedElement,
  namePattern,
  optionFor,
  searchBox,
  sectionHeading,
  useBrowser,
} from './helpers.js';

/** Whether the search box is the focused element. */
const searchHasFocus = (page: Page): Promise<boolean> =>
  searchBox(page).evaluate((el) => el === document.activeElement);

describe('keyboard only', () => {
  const b = useBrowser();
  // Signed in as the demo medical assistant (one session per file: test/e2e/signIn.ts).
  beforeEach(async () => {
    await useSessionOf(b.context, 'ma');
  });

  it('"/" focuses search, type, ArrowDown, Enter opens the chart, Tab through it with visible focus', async () => {
    await b.page.goto('/');
    await searchBox(b.page).waitFor({ state: 'visible' });
    // Start from the document, not from an autofocused box, so "/" has something to do.
    await b.page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await b.page.keyboard.press('/');
    await expect.poll(() => searchHasFocus(b.page)).toBe(true);
    expect(await searchBox(b.page).inputValue(), '"/" is a shortcut, not typed text').toBe('');
    // Focus problems are collected along the whole path and reported together at the end.
    const hidden: string[] = [];
    const noteFocus = async (): Promise<string | undefined> => {
      const focused = await focusedElement(b.page);
      if (focused && !focusIsVisible(focused)) {
        hidden.push(
          `${focused.description} (outline ${focused.outlineStyle} ${focused.outlineWidth}, box-shadow ${focused.boxShadow})`
        );
      }
      return focused?.description;
    };
    await noteFocus();

    await b.page.keyboard.type('munoz, jose');
    await optionFor(b.page, JOSE).waitFor({ state: 'visible' });
    await b.page.keyboard.press('ArrowDown');
    await b.page.keyboard.press('Enter');
    await b.page.waitForURL(`${ORIGIN}/patients/${JOSE.id}`);
    await banner(b.page).waitFor({ state: 'visible' });
    expect(await banner(b.page).getByTestId('banner-name').innerText()).toMatch(namePattern(JOSE));
    await sectionHeading(b.page, 'Vitals').waitFor({ state: 'visible' });

    const seen: string[] = [];
    for (let i = 0; i < 15; i++) {
      await b.page.keyboard.press('Tab');
      const description = await noteFocus();
      if (description) seen.push(description);
    }
    expect(new Set(seen).size, `Tab reached: ${seen.join(' | ')}`).toBeGreaterThanOrEqual(3);
    // Ctrl+K brings focus back to the search from the chart.
    await b.page.keyboard.press('Control+k');
    await expect.poll(() => searchHasFocus(b.page)).toBe(true);
    await expectAccessible(b.page, 'chart, reached by keyboard');
    expect.soft([...new Set(hidden)], 'elements focused without a visible outline or box-shadow').toEqual([]);
  });
});
