/**
 * The chaos test (issue 7): two simulated sites and a hub over faulty WAN links, processes
 * killed with SIGKILL at random, thousands of calls; at the end the hub holds exactly what the
 * sites closed. Seeded (CHAOS_SEED), bounded (CHAOS_SECONDS of chaos, default 60, plus about a
 * minute of start-up and drain). `npm run chaos -w @callgate/uplink-chaos` runs it longer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReport, runUplinkChaos } from '../src/index.js';

const seed = Number(process.env.CHAOS_SEED ?? 20261127);
const chaosSeconds = Number(process.env.CHAOS_SECONDS ?? 60);
const callsPerSecond = Number(process.env.CHAOS_RATE ?? 20);

describe('uplink chaos', () => {
  it(
    'after WAN faults and SIGKILLs of gateways and hub, the hub holds exactly the records the sites closed',
    { timeout: (chaosSeconds + 300) * 1000 },
    async () => {
      const report = await runUplinkChaos({
        seed,
        chaosSeconds,
        callsPerSecond,
        ...(process.env.CHAOS_DATABASE_URL ? { databaseUrl: process.env.CHAOS_DATABASE_URL } : {}),
        log: (line) => console.log(`  ${line}`),
      });
      for (const line of formatReport(report)) console.log(line);
      const closed = report.verdict.perSite.reduce((n, s) => n + s.records, 0);
      const placed = report.sites.reduce((n, s) => n + s.callsPlaced, 0);
      assert.ok(placed >= 1000, `thousands of calls were placed (${placed})`);
      assert.ok(closed >= 500, `the sites closed records (${closed})`);
      assert.ok(report.hubKills >= 1, 'the hub was killed at least once');
      for (const s of report.sites) {
        assert.ok(s.gatewayKills >= 1, `the ${s.site} gateway was killed at least once`);
        assert.ok(Object.values(s.faults).reduce((a, b) => a + b, 0) >= 5, `the ${s.site} WAN link had faults`);
      }
      assert.deepEqual(report.rejected, [], 'no record was refused by the hub');
      for (const s of report.verdict.perSite) {
        assert.deepEqual(s.missing, [], `${s.site}: records closed at the site but missing at the hub`);
        assert.deepEqual(s.extra, [], `${s.site}: records at the hub the site never closed`);
        assert.deepEqual(s.different, [], `${s.site}: records whose contents differ at the hub`);
      }
      assert.deepEqual(report.verdict.foreign, []);
      assert.equal(report.verdict.ok, true);
    },
  );
});
