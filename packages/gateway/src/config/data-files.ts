/**
 * The JSON files the gateway keeps in its data directory: what the hub last sent (its keys,
 * the site directory, the operators' password verifiers) and the site signing key. Written whole
 * or not at all (a temporary file, flushed to disk, renamed over the old one; readable by the
 * gateway's user only), and read back as a typed result: a missing or damaged file is for the
 * caller to decide about (wait for the hub, make a new key, refuse to start), not an exception.
 */
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

export type DataFileRead<T> = { ok: true; value: T } | { ok: false; problem: 'missing' | 'damaged' };

/** Writes `value` as `dataDir/file`, atomically and mode 0600. */
export async function writeDataFile(dataDir: string, file: string, value: unknown): Promise<void> {
  const target = join(dataDir, file);
  const tmp = `${target}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(value, null, 2));
    // Flushed before the rename: after a power cut the file is the old one or the new one, whole.
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  await rename(tmp, target);
}

/**
 * Reads `dataDir/file`; `accept` returns the value when the JSON is what the caller expects, or
 * undefined (damaged: unreadable, not JSON, or not that shape).
 */
export async function readDataFile<T>(
  dataDir: string,
  file: string,
  accept: (value: unknown) => T | undefined,
): Promise<DataFileRead<T>> {
  let text: string;
  try {
    text = await readFile(join(dataDir, file), 'utf8');
  } catch (error) {
    return { ok: false, problem: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : 'damaged' };
  }
  let value: T | undefined;
  try {
    value = accept(JSON.parse(text));
  } catch {
    value = undefined;
  }
  return value === undefined ? { ok: false, problem: 'damaged' } : { ok: true, value };
}
