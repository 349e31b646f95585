// Where the explorer may write an export. A file target: its folder must exist and the
// name must not be a folder (an existing file is replaced atomically — the save dialog
// asked). A folder target (copies of images, an encoder): it must be new or empty and
// writable; the app never writes into a folder that already holds something, so no
// file of the user's is ever overwritten.
import fs from 'node:fs/promises';
import path from 'node:path';
import { ExplorerError } from './explorer-errors.ts';

export async function checkFileTarget(target: string): Promise<string> {
  const file = path.resolve(target);
  const dir = path.dirname(file);
  const parent = await fs.stat(dir).catch(() => undefined);
  if (!parent?.isDirectory()) throw new ExplorerError(`cannot write ${file}: the folder ${dir} does not exist`);
  const existing = await fs.stat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw new ExplorerError(`cannot write ${file}: it is a folder; choose a file name`);
  await assertWritable(dir, file);
  return file;
}

/** Creates the folder if needed; refuses one that exists and is not empty, or cannot be written. */
export async function prepareEmptyFolder(target: string): Promise<string> {
  const folder = path.resolve(target);
  const existing = await fs.stat(folder).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new ExplorerError(`cannot export into ${folder}: it is a file, not a folder`);
  if (existing) {
    const entries = await fs.readdir(folder).catch((error: Error) => {
      throw new ExplorerError(`cannot export into ${folder}: ${error.message}`);
    });
    if (entries.length > 0) throw new ExplorerError(`cannot export into ${folder}: the folder is not empty (${entries.length} item${entries.length === 1 ? '' : 's'}); choose a new or empty folder`);
  } else {
    const parent = path.dirname(folder);
    if (!(await fs.stat(parent).catch(() => undefined))?.isDirectory()) throw new ExplorerError(`cannot export into ${folder}: the folder ${parent} does not exist`);
    await fs.mkdir(folder).catch((error: NodeJS.ErrnoException) => {
      throw new ExplorerError(`cannot create ${folder}: ${describe(error)}`);
    });
  }
  await assertWritable(folder, folder);
  return folder;
}

/** What an export wrote into the folder `dir` (prepared by prepareEmptyFolder): its entries' paths, sorted by name. */
export async function filesInFolder(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).sort().map((name) => path.join(dir, name));
}

/** Proves `dir` is writable by creating and removing a probe file (access() lies on some mounts). */
async function assertWritable(dir: string, what: string): Promise<void> {
  const probe = path.join(dir, `.simclr-studio-write-test-${process.pid}-${Date.now()}`);
  try {
    await fs.writeFile(probe, '', { flag: 'wx' });
  } catch (error) {
    throw new ExplorerError(`cannot write ${what}: ${describe(error as NodeJS.ErrnoException)}`);
  }
  await fs.rm(probe, { force: true });
}

function describe(error: NodeJS.ErrnoException): string {
  if (error.code === 'EACCES' || error.code === 'EPERM') return 'permission denied';
  if (error.code === 'EROFS') return 'the disk is read-only';
  if (error.code === 'ENOSPC') return 'the disk is full';
  return error.message;
}
