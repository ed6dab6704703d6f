import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseTrace, type TraceLine } from '@callgate/ami';
import { compareTraces } from '../../src/conformance/compare-traces.js';
import { runConformanceCase } from '../../src/conformance/run-conformance.js';
import { SCENARIOS } from '../../src/conformance/scenarios.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'fixtures', 'ami');

function recording(folder: string, name: string): TraceLine[] {
  return parseTrace(readFileSync(join(FIXTURES, folder, `${name}.jsonl`), 'utf8'));
}

describe('conformance: the simulator against every recording it can stage', () => {
  for (const scenario of SCENARIOS) {
    for (const version of scenario.versions) {
      it(`${version.folder}/${scenario.recording}: ${scenario.description}`, async () => {
        const result = await runConformanceCase(FIXTURES, scenario, version);
        assert.deepEqual(result.run.problems, [], result.run.problems.join('\n'));
        assert.ok(result.report.ok, result.report.format());
        assert.ok(result.report.eventsCompared > 0);
      });
    }
  }
});

describe('conformance comparator', () => {
  const base = recording('asterisk-22.10.1', '02-inbound-queue-answered-customer-hangup');

  it('finds no difference between a recording and itself', () => {
    const report = compareTraces(base, base);
    assert.ok(report.ok, report.format());
    assert.ok(report.eventsCompared > 100);
  });

  it('fails loudly when an event is missing, naming the stream and the event', () => {
    // Drop the second, duplicated DialEnd CANCEL Asterisk sends for the cancelled member (02).
    let seen = 0;
    const mutated = base.filter((l) => {
      if (!l.raw.includes('DialStatus: CANCEL')) return true;
      seen++;
      return seen !== 2;
    });
    const report = compareTraces(base, mutated);
    assert.equal(report.ok, false);
    const text = report.format();
    assert.match(text, /\[order\] c1 channel PJSIP\/pstn#1 -> PJSIP\/1002#1/);
    assert.match(text, /- DialEnd CANCEL/);
  });

  it('fails when a value that is not an id, a time or a counter differs', () => {
    const mutated = base.map((l) => ({
      ...l,
      raw: l.raw.replace('Cause: 26\r\nCause-txt: Answered elsewhere', 'Cause: 16\r\nCause-txt: Normal Clearing'),
    }));
    const report = compareTraces(base, mutated);
    assert.equal(report.ok, false);
    assert.ok(
      report.differences.some((d) => d.kind === 'order' && d.text.includes('+ Hangup 16')),
      report.format(),
    );
  });

  it('fails when the relations between ids differ: a leg that does not share the call’s Linkedid', () => {
    // Give the 1002 leg its own Linkedid everywhere it appears.
    const mutated = base.map((l) => {
      if (!l.raw.includes('PJSIP/1002-00000001')) return l;
      return {
        ...l,
        raw: l.raw.replace(
          /(Channel: PJSIP\/1002-00000001[\s\S]*?)Linkedid: 1795795616\.0/,
          '$1Linkedid: 1795795617.1',
        ),
      };
    });
    const report = compareTraces(base, mutated);
    assert.equal(report.ok, false);
    assert.ok(
      report.differences.some((d) => d.kind === 'relation' && d.stream === 'channel PJSIP/1002#1'),
      report.format(),
    );
  });

  it('tells Asterisk 22 and Asterisk 20 (chan_sip) recordings of the same scenario apart', () => {
    const report = compareTraces(
      base,
      recording('asterisk-20.20.1-chansip', '02-inbound-queue-answered-customer-hangup'),
    );
    assert.equal(report.ok, false);
    assert.ok(report.differences.some((d) => d.kind === 'greeting'));
  });

  it('ignores ids, times and values racing between Asterisk threads, and says so', () => {
    const shifted = base.map((l) => ({
      ...l,
      raw: l.raw
        .replaceAll('533cd3a6-d8b4-4eda-b064-6c80617e0373', '00000000-0000-4000-8000-000000000001')
        .replaceAll('16:07:04', '16:07:05'),
    }));
    const report = compareTraces(base, shifted);
    assert.ok(report.ok, report.format());
    assert.ok(report.notes.some((n) => n.includes('RTCPSent')));
  });
});
