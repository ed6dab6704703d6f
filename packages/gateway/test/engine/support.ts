/** Shared by the engine tests: the lab site configs and the recordings of fixtures/ami. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTrace, type TraceLine } from '@callgate/ami';
import type { CallRecord, SiteConfig } from '@callgate/contracts';
import { parseConfigText, validateSiteConfig } from '../../src/config/index.js';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = join(here, '..', '..', '..', '..', 'fixtures', 'ami');
export const SITES_DIR = join(here, '..', 'fixtures', 'sites');

export const PJSIP = 'asterisk-22.10.1';
export const CHANSIP = 'asterisk-20.20.1-chansip';

/** The site config matching a recording folder's Asterisk configuration. */
export function sitePath(version: string): string {
  return join(SITES_DIR, version.includes('chansip') ? 'lab-chansip.yaml' : 'lab-pjsip.yaml');
}

export function loadSite(version: string): SiteConfig {
  const path = sitePath(version);
  return validateSiteConfig(parseConfigText(readFileSync(path, 'utf8'), path), path, SITES_DIR);
}

export function tracePath(version: string, scenario: string): string {
  return join(FIXTURES_DIR, version, `${scenario}.jsonl`);
}

export function loadTrace(version: string, scenario: string): TraceLine[] {
  return parseTrace(readFileSync(tracePath(version, scenario), 'utf8'));
}

/** Every recording present (code must not assume this exact set). */
export function listRecordings(): Array<{ version: string; scenario: string }> {
  const out: Array<{ version: string; scenario: string }> = [];
  for (const version of readdirSync(FIXTURES_DIR).sort()) {
    if (!version.startsWith('asterisk-')) continue;
    for (const file of readdirSync(join(FIXTURES_DIR, version)).sort()) {
      if (file.endsWith('.jsonl')) out.push({ version, scenario: file.slice(0, -'.jsonl'.length) });
    }
  }
  return out;
}

/** Milliseconds since the trace began (`t`). */
type T = number;

/** A record as read by hand from a recording: times as the trace's `t`. */
export interface ExpectedRecord {
  callId: string;
  direction: CallRecord['direction'];
  customerNumber: string | null;
  line: string | null;
  queue: string | null;
  startedAt: T;
  answeredAt: T | null;
  endedAt: T;
  waitSeconds: number;
  ringSeconds: number;
  talkSeconds: number;
  holdSeconds: number;
  durationSeconds: number;
  outcome: CallRecord['outcome'];
  hangupBy: CallRecord['hangupBy'];
  hangupCause: CallRecord['hangupCause'];
  segments: Array<{
    operatorId: string;
    extension: string;
    answeredAt: T;
    endedAt: T;
    talkSeconds: number;
    holdSeconds: number;
    endedBy: 'hangup' | 'transfer';
  }>;
  offers: CallRecord['offers'];
  crmRef: string | null;
  incomplete: boolean;
}

const TOLERANCE_S = 0.5;

function near(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= TOLERANCE_S + 1e-9,
    `${what}: ${actual} is not within ${TOLERANCE_S} s of ${expected}`,
  );
}

function nearTime(actual: string | null, expected: T | null, startMs: number, what: string): void {
  if (expected === null || actual === null) {
    assert.equal(actual === null, expected === null, `${what}: got ${actual}, expected t=${expected}`);
    return;
  }
  near((Date.parse(actual) - startMs) / 1000, expected / 1000, what);
}

/** Durations within 0.5 s; outcome, hangupBy, segments' and offers' identities exact. */
export function assertRecord(actual: CallRecord, expected: ExpectedRecord, site: string, startMs: number): void {
  const id = expected.callId;
  assert.equal(actual.callId, expected.callId);
  assert.equal(actual.recordId, `${site}:${expected.callId}`, `${id} recordId`);
  assert.equal(actual.site, site);
  assert.equal(actual.direction, expected.direction, `${id} direction`);
  assert.equal(actual.customerNumber, expected.customerNumber, `${id} customerNumber`);
  assert.equal(actual.line, expected.line, `${id} line`);
  assert.equal(actual.queue, expected.queue, `${id} queue`);
  nearTime(actual.startedAt, expected.startedAt, startMs, `${id} startedAt`);
  nearTime(actual.answeredAt, expected.answeredAt, startMs, `${id} answeredAt`);
  nearTime(actual.endedAt, expected.endedAt, startMs, `${id} endedAt`);
  for (const k of ['waitSeconds', 'ringSeconds', 'talkSeconds', 'holdSeconds', 'durationSeconds'] as const) {
    near(actual[k], expected[k], `${id} ${k}`);
  }
  assert.equal(actual.outcome, expected.outcome, `${id} outcome`);
  assert.equal(actual.hangupBy, expected.hangupBy, `${id} hangupBy`);
  assert.deepEqual(actual.hangupCause, expected.hangupCause, `${id} hangupCause`);
  assert.equal(actual.crmRef, expected.crmRef, `${id} crmRef`);
  assert.equal(actual.recording, null, `${id} recording`);
  assert.equal(actual.incomplete, expected.incomplete, `${id} incomplete`);
  assert.deepEqual(
    actual.segments.map((s) => [s.operatorId, s.extension, s.endedBy]),
    expected.segments.map((s) => [s.operatorId, s.extension, s.endedBy]),
    `${id} segments`,
  );
  expected.segments.forEach((s, i) => {
    const a = actual.segments[i];
    assert.ok(a);
    nearTime(a.answeredAt, s.answeredAt, startMs, `${id} segment ${i} answeredAt`);
    nearTime(a.endedAt, s.endedAt, startMs, `${id} segment ${i} endedAt`);
    near(a.talkSeconds, s.talkSeconds, `${id} segment ${i} talkSeconds`);
    near(a.holdSeconds, s.holdSeconds, `${id} segment ${i} holdSeconds`);
  });
  assert.deepEqual(
    actual.offers.map((o) => [o.operatorId, o.extension, o.result]),
    expected.offers.map((o) => [o.operatorId, o.extension, o.result]),
    `${id} offers`,
  );
  expected.offers.forEach((o, i) =>
    near(actual.offers[i]?.ringSeconds ?? -1, o.ringSeconds, `${id} offer ${i} ringSeconds`),
  );
  for (const k of ['waitSeconds', 'ringSeconds', 'talkSeconds', 'holdSeconds', 'durationSeconds'] as const) {
    assert.equal(actual[k], Math.round(actual[k] * 10) / 10, `${id} ${k} has one decimal`);
  }
}
