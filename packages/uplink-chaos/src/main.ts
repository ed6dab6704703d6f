/**
 * `npm run chaos -w @callgate/uplink-chaos -- [--seed N] [--seconds S] [--rate R] [--keep]
 * [--database postgres://…]`: the chaos run outside the test suite, as long as you like.
 * Exit code 0 when the hub holds exactly what the sites closed.
 */
import { formatReport, runUplinkChaos } from './chaos-run.js';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const report = await runUplinkChaos({
  seed: Number(flag('seed') ?? Date.now() % 1_000_000),
  chaosSeconds: Number(flag('seconds') ?? 120),
  callsPerSecond: Number(flag('rate') ?? 12),
  keep: argv.includes('--keep'),
  childLogLevel: flag('log-level') ?? 'warn',
  ...(flag('database') === undefined ? {} : { databaseUrl: flag('database') }),
  log: (line) => console.log(line),
});
for (const line of formatReport(report)) console.log(line);
for (const r of report.rejected.slice(0, 20))
  console.log(`  refused: ${r.site} ${r.recordId}: ${JSON.stringify(r.problems)}`);
process.exitCode = report.verdict.ok ? 0 : 1;
