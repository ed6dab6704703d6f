import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { chaosPlan, startChaos, startFaultProxy } from '../src/index.js';

describe('chaos schedule', () => {
  it('the same seed plays the same faults; another seed plays others', () => {
    const a = chaosPlan({ seed: 42 }, 50);
    assert.deepEqual(chaosPlan({ seed: 42 }, 50), a);
    assert.notDeepEqual(chaosPlan({ seed: 43 }, 50), a);
  });

  it('every kind of fault comes up in a long enough run, within the configured ranges', () => {
    const plan = chaosPlan({ seed: 7, calmMs: [10, 20], faultMs: [30, 40] }, 500);
    const kinds = new Set(plan.map((s) => s.action));
    assert.deepEqual([...kinds].sort(), ['blackhole', 'drop', 'half-open', 'latency', 'one-way', 'refuse', 'reset']);
    for (const s of plan) {
      assert.ok(s.calmMs >= 10 && s.calmMs <= 20);
      if (s.durationMs > 0) assert.ok(s.durationMs >= 30 && s.durationMs <= 40);
    }
  });

  it('a run applies faults to the proxy and leaves it healed when stopped', async () => {
    const server = net.createServer((s) => s.pipe(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const proxy = await startFaultProxy({
      target: { host: '127.0.0.1', port: (server.address() as AddressInfo).port },
    });
    const seen: string[] = [];
    const run = startChaos(proxy, {
      seed: 1,
      calmMs: [1, 5],
      faultMs: [1, 5],
      weights: { latency: 1, blackhole: 1, refuse: 1, reset: 0, drop: 0, 'half-open': 0, 'one-way': 0 },
      onStep: (step) => seen.push(step.action),
    });
    while (run.steps < 10) await new Promise((r) => setTimeout(r, 5));
    await run.stop();
    assert.deepEqual(
      seen.slice(0, 10),
      chaosPlan(
        {
          seed: 1,
          calmMs: [1, 5],
          faultMs: [1, 5],
          weights: { latency: 1, blackhole: 1, refuse: 1, reset: 0, drop: 0, 'half-open': 0, 'one-way': 0 },
        },
        10,
      ).map((s) => s.action),
    );
    // Healed: a fresh connection echoes.
    const socket = net.connect(proxy.port, '127.0.0.1');
    const echoed = await new Promise<string>((resolve) => {
      socket.on('data', (d) => resolve(d.toString()));
      socket.write('alive');
    });
    assert.equal(echoed, 'alive');
    socket.destroy();
    await proxy.close();
    await new Promise((r) => server.close(r));
  });
});
