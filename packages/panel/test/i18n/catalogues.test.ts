import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CallDirection,
  CallOffer,
  CallOutcome,
  CallSegment,
  HangupBy,
  LiveCall,
  OperatorCall,
  OperatorWorkStatus,
  PhoneState,
} from '@callgate/contracts';
import type { TSchema } from 'typebox';
import { en } from '../../src/i18n/en.js';
import { detectLocale, errorMessageKey, loadCatalogue, translate, type MessageKey } from '../../src/i18n/i18n.js';
import { ru } from '../../src/i18n/ru.js';

const catalogues = { en, ru };
import { formatDuration, formatPercent } from '../../src/i18n/format.js';
import { PanelErrorCode } from '../../src/errors.js';

const srcDir = fileURLToPath(new URL('../../src', import.meta.url));
const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

/** The literal values of a union of literals (a contracts enum). */
function literals(schema: TSchema): string[] {
  const s = schema as { anyOf?: { const?: unknown }[]; const?: unknown };
  if (s.anyOf) return s.anyOf.flatMap((branch) => literals(branch as TSchema));
  return typeof s.const === 'string' ? [s.const] : [];
}
const field = (schema: TSchema, name: string): TSchema =>
  (schema as { properties: Record<string, TSchema> }).properties[name] as TSchema;

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (/\.tsx?$/.test(entry.name)) out.push(await readFile(path, 'utf8'));
  }
  return out;
}

describe('languages', () => {
  it('Russian and English are both complete: same keys, no empty text, same placeholders', () => {
    const en = catalogues.en;
    const ru = catalogues.ru;
    assert.deepEqual(Object.keys(ru).sort(), Object.keys(en).sort());
    for (const key of Object.keys(en) as MessageKey[]) {
      assert.ok(en[key].trim() !== '' && ru[key].trim() !== '', `${key} is empty`);
      assert.deepEqual(placeholders(ru[key]), placeholders(en[key]), `${key}: placeholders differ`);
    }
  });

  it('every text the screens ask for exists', async () => {
    const keys = new Set(Object.keys(catalogues.en));
    const missing: string[] = [];
    for (const source of await sources(srcDir)) {
      for (const m of source.matchAll(/\bt\('([^']+)'/g)) if (!keys.has(m[1] ?? '')) missing.push(m[1] ?? '');
    }
    assert.deepEqual(missing, []);
  });

  it('holds no text that nothing shows', async () => {
    const code = (await sources(srcDir)).filter((s) => !/export const (en|ru)\b/.test(s)).join('\n');
    const prefixes = [...code.matchAll(/tEnum\('([^']+)'/g)].map((m) => `${m[1] ?? ''}.`);
    const unused = Object.keys(catalogues.en).filter(
      (key) => !code.includes(`'${key}'`) && !key.startsWith('error.') && !prefixes.some((p) => key.startsWith(p)),
    );
    assert.deepEqual(unused, []);
  });

  it('every value the contracts can send has a text in both languages', () => {
    const enums: [string, string[]][] = [
      ['direction', literals(CallDirection)],
      ['outcome', literals(CallOutcome)],
      ['callOutcome', literals(field(OperatorCall, 'outcome'))],
      ['callState', literals(field(OperatorCall, 'state'))],
      ['phone', literals(PhoneState)],
      ['work', literals(field(OperatorWorkStatus, 'work'))],
      ['liveState', literals(field(LiveCall, 'state'))],
      ['hangupBy', literals(HangupBy)],
      ['endedBy', literals(field(CallSegment, 'endedBy'))],
      ['offerResult', literals(field(CallOffer, 'result'))],
      ['dial.problem', ['empty', 'bad-characters', 'misplaced-plus', 'too-short', 'too-long', 'own-extension']],
      ['stopped', ['unauthorized', 'forbidden', 'unsupported-version', 'session-ended', 'protocol-violation']],
    ];
    const missing: string[] = [];
    for (const [prefix, values] of enums) {
      assert.ok(values.length > 0, `no values found for ${prefix}`);
      for (const value of values) if (!(`${prefix}.${value}` in catalogues.en)) missing.push(`${prefix}.${value}`);
    }
    assert.deepEqual(missing, []);
  });

  it('every error the panel reports to a user has a text', () => {
    const missing = Object.values(PanelErrorCode).filter(
      (code) => code !== PanelErrorCode.BuildFailed && errorMessageKey(code) === null,
    );
    assert.deepEqual(missing, []);
  });

  it('follows the browser language unless the user chose one', () => {
    assert.equal(detectLocale(null, ['ru-RU', 'en-US']), 'ru');
    assert.equal(detectLocale(null, ['de-DE', 'en-GB']), 'en');
    assert.equal(detectLocale(null, ['et-EE']), 'en');
    assert.equal(detectLocale('ru', ['en-US']), 'ru');
    assert.equal(detectLocale('xx', ['ru']), 'ru');
  });

  it('fills placeholders and leaves a missing one visible', async () => {
    assert.equal(translate('ru', 'call.line', { line: 'x' }), 'Line: x', 'English until Russian is loaded');
    await loadCatalogue('ru');
    assert.equal(translate('ru', 'call.line', { line: 'Поддержка' }), 'Линия: Поддержка');
    assert.equal(translate('en', 'call.line'), 'Line: {line}');
  });
});

describe('formats', () => {
  it('durations read like a stopwatch', () => {
    assert.equal(formatDuration(7_400), '0:07');
    assert.equal(formatDuration(754_000), '12:34');
    assert.equal(formatDuration(3_723_000), '1:02:03');
    assert.equal(formatDuration(-5_000), '0:00');
  });

  it('service level as a whole percentage, a dash before there is one', () => {
    assert.equal(formatPercent(0.873, 'en'), '87%');
    assert.equal(formatPercent(null, 'ru'), '—');
  });
});
