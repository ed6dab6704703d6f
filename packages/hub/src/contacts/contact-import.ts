/**
 * Contact import from CSV (RFC 4180, parsed by csv-parse): a header line, then one contact per
 * line. Columns, by header name (case and spacing ignored):
 *   name (required), company, email, notes, external_id, and any number of phone columns
 *   (`phone`, `phone2`, `mobile`, `work phone`, `tel…`), each holding one number or several
 *   separated by `;` — the header becomes the number's label.
 * A line with an external_id updates the contact that has it; other lines create contacts.
 * Bad lines are reported with their line number and reason and the rest is imported: one bad
 * cell never loses the file.
 */
import { parse } from 'csv-parse/sync';
import type { FieldProblem, ImportContactsResponse, ImportProblem } from '@callgate/contracts';
import type { Actor } from '../audit/audit-log.js';
import { HubError, HubErrorCode } from '../errors.js';
import type { HubCore } from '../hub-core.js';
import { normalisePhones, type ContactInput } from './contacts.js';

type Field = 'name' | 'company' | 'email' | 'notes' | 'externalId';

const FIELD_NAMES: Record<string, Field> = {
  name: 'name',
  fullname: 'name',
  company: 'company',
  organization: 'company',
  organisation: 'company',
  email: 'email',
  notes: 'notes',
  note: 'notes',
  comment: 'notes',
  externalid: 'externalId',
  crmid: 'externalId',
};

const LIMITS: Record<Field, number> = { name: 200, company: 200, email: 200, notes: 10000, externalId: 200 };

interface Columns {
  fields: Map<number, Field>;
  phones: Map<number, string>;
}

function columnsOf(header: string[]): Columns {
  const fields = new Map<number, Field>();
  const phones = new Map<number, string>();
  header.forEach((raw, i) => {
    const key = raw
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, '');
    const field = FIELD_NAMES[key];
    if (field !== undefined) fields.set(i, field);
    else if (/phone|mobile|^tel|cell/.test(key)) phones.set(i, raw.trim().slice(0, 40));
  });
  if (![...fields.values()].includes('name') || phones.size === 0) {
    throw new HubError(
      HubErrorCode.BadCsv,
      'the CSV header needs a "name" column and at least one phone column (phone, mobile, …)',
    );
  }
  return { fields, phones };
}

export interface ParsedImport {
  contacts: { line: number; input: ContactInput }[];
  rejected: ImportProblem[];
}

/** Parses and validates the whole file; pure. */
export function parseContactsCsv(text: string, country: string | undefined): ParsedImport {
  if (text.includes('\u0000'))
    throw new HubError(HubErrorCode.BadCsv, 'the file holds NUL characters; is it a spreadsheet, not CSV?');
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      bom: true,
      info: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new HubError(
      HubErrorCode.BadCsv,
      `the file is not valid CSV: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const [header, ...lines] = rows;
  if (header === undefined) throw new HubError(HubErrorCode.BadCsv, 'the file is empty');
  const columns = columnsOf(header.record);
  const contacts: ParsedImport['contacts'] = [];
  const rejected: ImportProblem[] = [];
  for (const { record, info } of lines) {
    const line = info.lines;
    const problems: FieldProblem[] = [];
    const values: Record<Field, string> = { name: '', company: '', email: '', notes: '', externalId: '' };
    for (const [i, field] of columns.fields) {
      const value = record[i] ?? '';
      if (value.length > LIMITS[field])
        problems.push({ path: field, reason: `is longer than ${LIMITS[field]} characters` });
      values[field] = value;
    }
    if (values.name === '') problems.push({ path: 'name', reason: 'is empty' });
    const phoneInputs = [...columns.phones].flatMap(([i, label]) =>
      (record[i] ?? '')
        .split(/[;|]/)
        .map((n) => n.trim())
        .filter((n) => n !== '')
        .map((number) => ({ number, label })),
    );
    const phones = normalisePhones(phoneInputs, country);
    problems.push(...phones.problems);
    if (phoneInputs.length > 20) problems.push({ path: 'phones', reason: 'has more than 20 numbers' });
    if (problems.length > 0) {
      rejected.push({ line, problems });
      continue;
    }
    contacts.push({
      line,
      input: {
        name: values.name,
        company: values.company,
        email: values.email,
        notes: values.notes,
        externalId: values.externalId === '' ? null : values.externalId,
        phones: phones.phones,
      },
    });
  }
  return { contacts, rejected };
}

/** How far an import is: contacts stored so far of the valid lines of the file. */
export interface ImportProgress {
  done: number;
  total: number;
  created: number;
  updated: number;
}

/**
 * Imports in batches of 1000 lines, one transaction each; one audit entry for the import.
 * `onProgress` hears after every batch (a million contacts take minutes: `callgate admin
 * import-contacts` shows it).
 */
export async function importContactsCsv(
  core: Pick<HubCore, 'database' | 'contacts' | 'audit'>,
  actor: Actor,
  text: string,
  country: string | undefined,
  onProgress?: (progress: ImportProgress) => void,
): Promise<ImportContactsResponse> {
  const parsed = parseContactsCsv(text, country);
  let created = 0;
  let updated = 0;
  for (let i = 0; i < parsed.contacts.length; i += 1000) {
    const batch = parsed.contacts.slice(i, i + 1000).map((c) => c.input);
    const counts = await core.database.db.transaction().execute((trx) => core.contacts.upsertMany(trx, batch));
    created += counts.created;
    updated += counts.updated;
    onProgress?.({ done: i + batch.length, total: parsed.contacts.length, created, updated });
  }
  await core.audit.record(actor, 'contact.import', 'contacts', { created, updated, rejected: parsed.rejected.length });
  return { created, updated, rejected: parsed.rejected };
}
