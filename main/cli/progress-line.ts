// The CLI's progress display, shared by train, embed, eval and neighbours.

/**
 * A one-line progress bar on a terminal (rewritten in place); on a pipe or file only
 * the lines passed to log() are written, so logs stay readable.
 */
export class ProgressLine {
  readonly #stream: NodeJS.WriteStream;
  readonly #tty: boolean;
  #shown = false;
  #lastDraw = 0;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
    this.#tty = Boolean(stream.isTTY);
  }

  update(text: string, fraction: number): void {
    if (!this.#tty) return;
    const now = Date.now();
    if (now - this.#lastDraw < 100 && fraction < 1) return; // at most 10 redraws a second
    this.#lastDraw = now;
    const width = 24;
    const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`;
    this.#stream.write(`\r\x1b[K${line.slice(0, (this.#stream.columns || 100) - 1)}`);
    this.#shown = true;
  }

  log(line: string): void {
    this.done();
    this.#stream.write(`${line}\n`);
  }

  done(): void {
    if (this.#shown) this.#stream.write('\r\x1b[K');
    this.#shown = false;
  }
}
