/**
 * Runs the conformance suite: every scenario of scenarios.ts against every recording version
 * it lists, each staged on the simulator and compared with the recording.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTrace } from '@callgate/ami';
import { SimError, SimErrorCode } from '../errors.js';
import { compareTraces, type CompareOptions, type ConformanceReport } from './compare-traces.js';
import { SCENARIOS, type ConformanceScenario } from './scenarios.js';
import { stageScenario, type RecordingMeta, type StagedRun } from './stage-scenario.js';

export interface CaseResult {
  id: string;
  scenario: ConformanceScenario;
  report: ConformanceReport;
  run: StagedRun;
}

export async function loadRecording(
  fixturesDir: string,
  folder: string,
  recording: string,
): Promise<{ lines: ReturnType<typeof parseTrace>; meta: RecordingMeta }> {
  try {
    const text = await readFile(join(fixturesDir, folder, `${recording}.jsonl`), 'utf8');
    const meta = JSON.parse(
      await readFile(join(fixturesDir, folder, `${recording}.meta.json`), 'utf8'),
    ) as RecordingMeta;
    return { lines: parseTrace(text), meta };
  } catch (error) {
    throw new SimError(
      SimErrorCode.BadTrace,
      `cannot read ${folder}/${recording}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export async function runConformanceCase(
  fixturesDir: string,
  scenario: ConformanceScenario,
  version: ConformanceScenario['versions'][number],
  options: CompareOptions = {},
): Promise<CaseResult> {
  const { lines, meta } = await loadRecording(fixturesDir, version.folder, scenario.recording);
  const run = await stageScenario(scenario, lines, meta, version);
  const report = compareTraces(lines, run.trace, options);
  return { id: `${version.folder}/${scenario.recording}`, scenario, report, run };
}

export async function runConformance(fixturesDir: string, filter?: (id: string) => boolean): Promise<CaseResult[]> {
  const out: CaseResult[] = [];
  for (const scenario of SCENARIOS) {
    for (const version of scenario.versions) {
      const id = `${version.folder}/${scenario.recording}`;
      if (filter && !filter(id)) continue;
      out.push(await runConformanceCase(fixturesDir, scenario, version));
    }
  }
  return out;
}
