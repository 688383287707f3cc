/**
 * What every command shares: the output writers, the one-line error report
 * and exit codes, and reading input files into clear errors.
 *
 * Exit codes: 0 the command ran; 1 bad input (a missing, unreadable or
 * malformed file, a family that fails); 2 a usage error (unknown option or
 * concept, a bad option value).
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';
import { EPISODE_LIMITS, InterchangeError } from '../world/interchange.js';

export const PROGRAM = 'concept-ebm';

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

export interface CliIo {
  /** Writes text as is (callers add newlines). */
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** An error meant for the user, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_INPUT,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
    this.name = 'UsageError';
  }
}

/** Collapse a message to one line. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function printError(io: CliIo, message: string): void {
  io.stderr(`${PROGRAM}: error: ${oneLine(message)}\n`);
}

/** Report any error as one line on stderr (no stack trace) and return its exit code. */
export function reportError(io: CliIo, err: unknown): number {
  if (err instanceof CliError) {
    printError(io, err.message);
    return err.exitCode;
  }
  if (err instanceof InterchangeError) {
    printError(io, err.message);
    return EXIT_INPUT;
  }
  const message = err instanceof Error ? err.message : String(err);
  printError(io, message || 'unexpected failure');
  if (process.env.CONCEPT_EBM_DEBUG && err instanceof Error && err.stack)
    io.stderr(`${err.stack}\n`);
  return EXIT_INPUT;
}

/** Run a command body, turning any thrown error into a one-line report and an exit code. */
export async function guarded(io: CliIo, body: () => Promise<number> | number): Promise<number> {
  try {
    return await body();
  } catch (err) {
    return reportError(io, err);
  }
}

/** Read a text file; `what` names it in errors ("episode", "answer", ...). */
export async function readInput(path: string, what: string): Promise<string> {
  // Refused before reading: a file far beyond the format's limit is a mistake, and reading it costs its size in memory.
  const size = (await stat(path).catch(() => null))?.size ?? 0;
  if (size > EPISODE_LIMITS.characters) {
    throw new CliError(
      `${what} file ${path}: ${size.toLocaleString('en-US')} bytes; at most ${EPISODE_LIMITS.characters.toLocaleString('en-US')}`,
    );
  }
  try {
    // A byte-order mark is not JSON, but editors write one: it is dropped.
    return (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`${what} file not found: ${path}`);
    if (code === 'EISDIR') throw new CliError(`${what} file is a directory: ${path}`);
    if (code === 'EACCES') throw new CliError(`${what} file is not readable: ${path}`);
    throw new CliError(`cannot read ${what} file ${path}: ${(err as Error).message}`);
  }
}

const WRITE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  EBUSY: 'the file is in use',
  ENOSPC: 'no space left on the device',
  ENOENT: 'files cannot be created there',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a folder',
};

/**
 * Write one output file atomically, or fail with one line naming the file and
 * why (never a raw OS error, never a folder created on the way: the folder
 * must exist).
 */
export async function writeOutputFile(
  path: string,
  data: string | Uint8Array,
  option = '--out',
): Promise<void> {
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) throw new CliError(`${option} ${path}: is a folder; give a file name`);
  if (info && !info.isFile()) throw new CliError(`${option} ${path}: is not a regular file`);
  const parent = dirname(resolve(path));
  const folder = await stat(parent).catch(() => null);
  if (!folder) throw new CliError(`${option} ${path}: the folder ${parent} does not exist`);
  if (!folder.isDirectory()) throw new CliError(`${option} ${path}: ${parent} is not a folder`);
  try {
    await writeFileAtomic(path, data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new CliError(
      `${option} ${path}: cannot write it (${WRITE_ERRORS[code] ?? (code || 'unknown error')})`,
    );
  }
}

/** The truth file that goes with an episode file: `ep.json` -> `ep.truth.json`. */
export function truthPathFor(episodePath: string): string {
  return episodePath.toLowerCase().endsWith('.json')
    ? `${episodePath.slice(0, -'.json'.length)}.truth.json`
    : `${episodePath}.truth.json`;
}

/** Check a number option when a command function is called directly (commander parses them first). */
export function integerArg(name: string, value: unknown, min: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(
      `option '${name}' expects an integer >= ${min}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = editDistance(name.toLowerCase(), c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
