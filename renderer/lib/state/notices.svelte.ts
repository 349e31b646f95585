// Messages for the person using the app: results of what they asked for, and failures
// in plain words. Shown by components/Notices.svelte; errors are announced as alerts.

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

/** Keep the list short: old messages are dropped once there are this many. */
const MAX_NOTICES = 4;

export class Notices {
  items = $state<Notice[]>([]);
  #nextId = 1;

  info(text: string): void {
    this.#push('info', text);
  }

  error(text: string): void {
    this.#push('error', text);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((notice) => notice.id !== id);
  }

  #push(kind: Notice['kind'], text: string): void {
    this.items = [...this.items, { id: this.#nextId++, kind, text }].slice(-MAX_NOTICES);
  }
}
