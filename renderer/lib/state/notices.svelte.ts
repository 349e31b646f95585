// Messages for the person using the app: results of what they asked for, and failures
// in plain words. Shown by components/Notices.svelte; errors are announced as alerts.

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** Keep the corner calm: old messages are dropped once there are this many. */
const MAX_NOTICES = 3;
/** Information fades after this long; errors stay until dismissed. */
const INFO_LIFETIME_MS = 8000;

export class Notices {
  items = $state<Notice[]>([]);
  #nextId = 1;

  info(text: string): void {
    const id = this.#push('info', text);
    setTimeout(() => this.dismiss(id), INFO_LIFETIME_MS);
  }

  error(text: string): void {
    this.#push('error', text);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((notice) => notice.id !== id);
  }

  #push(kind: Notice['kind'], text: string): number {
    const id = this.#nextId++;
    this.items = [...this.items, { id, kind, text }].slice(-MAX_NOTICES);
    return id;
  }
}
