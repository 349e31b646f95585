// Reading the library's thumbnail grid from a test or benchmark page (the grid a
// browser test and bench/renderer-grid-scroll.ts both wait on).
import type { Page } from 'playwright-core';

/**
 * Resolves once every tile wholly inside the grid's scrolled list shows a decoded
 * thumbnail (and at least one tile is there).
 */
export async function waitForVisibleThumbnails(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const list = document.querySelector('[data-testid="image-grid"] [role="list"]')!.getBoundingClientRect();
    const visible = [...document.querySelectorAll('[data-testid="image-grid"] [role="listitem"]')].filter((tile) => {
      const box = tile.getBoundingClientRect();
      return box.top >= list.top && box.bottom <= list.bottom;
    });
    return visible.length > 0 && visible.every((tile) => (tile.querySelector('img')?.naturalWidth ?? 0) > 0);
  });
}
