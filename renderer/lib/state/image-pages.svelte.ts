// The images of one dataset, fetched a page at a time as the virtualised grid asks for
// them, so 100,000 images cost only the pages near what is on screen. Pages far from
// the visible range are dropped to bound memory. When the catalogue changes (a scan
// adds images), `invalidate()` refetches what is on screen while still showing the
// old pages, so the grid updates in place instead of flashing empty.
import { SvelteMap } from 'svelte/reactivity';
import type { ImageSummary } from '../../../main/api/contract.ts';
import type { StudioBridge } from '../api.ts';
import { errorMessage } from '../format.ts';

export const PAGE_SIZE = 240;
/** At most this many pages (~10,000 images) are kept; the rest are re-fetched if needed. */
const MAX_CACHED_PAGES = 40;

export class ImagePages {
  /** Number of images in the dataset; known after the first page arrives. */
  total = $state<number | null>(null);
  error = $state<string | null>(null);

  readonly datasetId: number;
  readonly #studio: StudioBridge;
  // Page index → images. A SvelteMap so reading one page tracks only that key, and the
  // (frozen, never mutated) arrays are not turned into deep proxies.
  readonly #pages = new SvelteMap<number, readonly ImageSummary[]>();
  /** Page index → the generation it was fetched in; older than #generation = stale. */
  readonly #fetchedIn = new Map<number, number>();
  readonly #inFlight = new Set<number>();
  #generation = 0;
  #range: [number, number] = [0, 0];

  constructor(studio: StudioBridge, datasetId: number) {
    this.#studio = studio;
    this.datasetId = datasetId;
  }

  /** The image at `index`, or undefined while its page is loading. */
  imageAt(index: number): ImageSummary | undefined {
    return this.#pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** Makes sure the pages covering [first, last] are loaded (and current) or loading. */
  ensureRange(first: number, last: number): void {
    const firstPage = Math.floor(Math.max(0, first) / PAGE_SIZE);
    const lastPage = Math.floor(Math.max(first, last) / PAGE_SIZE);
    this.#range = [firstPage, lastPage];
    for (let page = firstPage; page <= lastPage; page++) void this.#load(page);
    this.#evictAwayFrom(firstPage, lastPage);
  }

  /** The catalogue changed: keep showing what we have, refetch the pages in view. */
  invalidate(): void {
    this.#generation += 1;
    const [firstPage, lastPage] = this.#range;
    // Page 0 too, whatever is in view: it brings the new total.
    void this.#load(0);
    for (let page = firstPage; page <= lastPage; page++) void this.#load(page);
  }

  async #load(page: number): Promise<void> {
    const generation = this.#generation;
    if (this.#fetchedIn.get(page) === generation || this.#inFlight.has(page)) return;
    // Past the end (page 0 is always fetched: it brings the total).
    if (page > 0 && this.total !== null && page * PAGE_SIZE >= this.total) return;
    this.#inFlight.add(page);
    try {
      const result = await this.#studio.listImages({ datasetId: this.datasetId, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      this.#pages.set(page, Object.freeze(result.images));
      this.#fetchedIn.set(page, generation);
      this.total = result.total;
      this.error = null;
    } catch (error) {
      this.error = `Could not load images: ${errorMessage(error)}`;
    } finally {
      this.#inFlight.delete(page);
    }
    // The catalogue changed while this page was on its way: fetch it again.
    if (generation !== this.#generation && page >= this.#range[0] && page <= this.#range[1]) void this.#load(page);
  }

  #evictAwayFrom(firstPage: number, lastPage: number): void {
    if (this.#pages.size <= MAX_CACHED_PAGES) return;
    const distance = (page: number) => (page < firstPage ? firstPage - page : page > lastPage ? page - lastPage : 0);
    const farthestFirst = [...this.#pages.keys()].sort((a, b) => distance(b) - distance(a));
    for (const page of farthestFirst.slice(0, this.#pages.size - MAX_CACHED_PAGES)) {
      this.#pages.delete(page);
      this.#fetchedIn.delete(page);
    }
  }
}
