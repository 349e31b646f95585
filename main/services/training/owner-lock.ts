// Which studio owns the training of a data directory. Several processes may open the
// same data directory (the app, `simclr-studio scan`, a second window): only one of them
// trains, and a newcomer must not mark that one's running runs 'interrupted'. The owner
// writes <data dir>/training.lock with its pid and a token; recovery runs only when no
// LIVE other owner holds it (a crashed owner's pid is gone, so its runs are recovered).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'training.lock';

interface LockContent {
  pid: number;
  token: string;
}

export class OwnerLock {
  readonly #file: string;
  readonly #token = randomBytes(8).toString('hex');
  #held = false;

  constructor(dataDir: string) {
    this.#file = path.join(dataDir, LOCK_FILE);
  }

  /** Takes the lock unless a live other studio holds it; returns whether it did. */
  acquire(): boolean {
    const current = this.#read();
    if (current && current.token !== this.#token && isAlive(current.pid)) return false;
    const temp = `${this.#file}.${this.#token}.tmp`;
    fs.writeFileSync(temp, JSON.stringify({ pid: process.pid, token: this.#token } satisfies LockContent));
    fs.renameSync(temp, this.#file);
    this.#held = true;
    return true;
  }

  /** Removes the lock if this studio still holds it. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    if (this.#read()?.token === this.#token) fs.rmSync(this.#file, { force: true });
  }

  #read(): LockContent | undefined {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.#file, 'utf8')) as Partial<LockContent>;
      return typeof parsed.pid === 'number' && typeof parsed.token === 'string' ? { pid: parsed.pid, token: parsed.token } : undefined;
    } catch {
      return undefined; // missing or unreadable: nobody holds it
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}
