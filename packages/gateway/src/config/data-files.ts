/**
 * The JSON files the gateway keeps in its data directory: what the hub last sent (its keys,
 * the site directory, the operators' password verifiers) and the site signing key. Written whole
 * or not at all (a temporary file, flushed to disk, renamed over the old one; readable by the
 * gateway's user only), and read back as a typed result: a missing or damaged file is for the
 * caller to decide about (wait for the hub, make a new key, refuse to start), not an exception,
 * and a damaged one says why.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** What a file's JSON must be: a contracts `Validator`, or any `parse` answering the same way. */
export interface DataFileShape<T> {
  parse(value: unknown): { ok: true; value: T } | { ok: false; error: { message: string } };
}

export type DataFileRead<T> =
  { ok: true; value: T } | { ok: false; problem: 'missing' } | { ok: false; problem: 'damaged'; reason: string };

/** Writes `value` as `dataDir/file`, atomically and mode 0600. */
export async function writeDataFile(dataDir: string, file: string, value: unknown): Promise<void> {
  const target = join(dataDir, file);
  const tmp = `${target}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    try {
      await handle.writeFile(JSON.stringify(value, null, 2));
      // Flushed before the rename: after a power cut the file is the old one or the new one, whole.
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/** Reads `dataDir/file` as JSON of the given shape. */
export async function readDataFile<T>(
  dataDir: string,
  file: string,
  shape: DataFileShape<T>,
): Promise<DataFileRead<T>> {
  let text: string;
  try {
    text = await readFile(join(dataDir, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, problem: 'missing' };
    return { ok: false, problem: 'damaged', reason: `unreadable (${code ?? String(error)})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'damaged', reason: 'not JSON' };
  }
  const parsed = shape.parse(value);
  return parsed.ok ? parsed : { ok: false, problem: 'damaged', reason: parsed.error.message };
}
