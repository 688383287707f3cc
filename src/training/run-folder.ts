/**
 * One run, one folder: a lock file so that two trainers never share an
 * `--out`, stale temporary files cleared, and the logs cut back to the
 * checkpoint a resume starts from (so they hold each step once, in order).
 */
import { hostname } from 'node:os';
import { open, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const LOCK_FILE = 'train.lock';

interface LockOwner {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but is not ours
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Refused: another live run holds the folder. */
export class FolderLockedError extends Error {}

/**
 * Takes `dir`'s lock for this process, or throws FolderLockedError naming the
 * owner. A lock left by a dead process on this host is taken over, and
 * `onNotice` says so. Returns the release function.
 */
export async function lockRunFolder(
  dir: string,
  onNotice: (line: string) => void = () => undefined,
): Promise<() => Promise<void>> {
  const path = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(JSON.stringify(me) + '\n');
      await handle.close();
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner: Partial<LockOwner> = {};
    try {
      owner = JSON.parse(await readFile(path, 'utf8')) as Partial<LockOwner>;
    } catch {
      // unreadable or half-written: treated as stale below only if old enough to be abandoned
    }
    const sameHost = owner.host === me.host;
    if (typeof owner.pid === 'number' && (!sameHost || alive(owner.pid))) {
      throw new FolderLockedError(
        `${dir} is in use by another training run (pid ${owner.pid} on ${owner.host}, since ${owner.started}); ` +
          `choose another --out, or remove ${path} if that run is gone`,
      );
    }
    onNotice(
      `${path}: taking over a lock left by a run that is gone (pid ${owner.pid ?? '?'} on ${owner.host ?? '?'})`,
    );
    await rm(path, { force: true });
  }
  throw new FolderLockedError(`${path}: could not take the lock`);
}

/** Removes the temporary files an interrupted atomic write left in `dir` and its model folders. */
export async function removeStaleTemps(
  dir: string,
  subfolders: readonly string[] = ['checkpoint', 'best'],
): Promise<number> {
  let removed = 0;
  for (const folder of [dir, ...subfolders.map((s) => join(dir, s))]) {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch {
      continue;
    }
    for (const name of names) {
      if (/^\..+\.\d+\.[0-9a-f]+\.tmp$/.test(name)) {
        await unlink(join(folder, name)).catch(() => undefined);
        removed++;
      }
    }
  }
  return removed;
}

/**
 * Keeps the records of a JSON-lines log whose `step` is at most `step` (a
 * resume starts after it, and writes the rest again); drops torn lines.
 */
export async function truncateLog(path: string, step: number): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return;
  }
  const kept = text.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      const r = JSON.parse(line) as { step?: unknown };
      return typeof r.step === 'number' && r.step <= step;
    } catch {
      return false;
    }
  });
  const out = kept.length > 0 ? kept.join('\n') + '\n' : '';
  if (out !== text) await writeFile(path, out);
}

/** The steps a JSON-lines log holds records for. */
export async function loggedSteps(path: string): Promise<Set<number>> {
  try {
    const text = await readFile(path, 'utf8');
    return new Set(
      text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => (JSON.parse(l) as { step: number }).step),
    );
  } catch {
    return new Set();
  }
}
