import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSimConfig, type SimSiteConfig } from '@callgate/contracts';
import { worldFromSite } from '../../src/control/site-world.js';
import { LoadGenerator } from '../../src/load/load-generator.js';
import { virtualWorldFrom } from '../support/virtual-world.js';

function site(overrides: Record<string, unknown> = {}): SimSiteConfig {
  const parsed = parseSimConfig({
    sites: [
      {
        id: 's1',
        ami: { port: 0, users: [{ username: 'crm', secret: 'x' }] },
        operators: { count: 20, firstExtension: '2001', namePrefix: 'Op ', queues: ['support'] },
        queues: [{ name: 'support', strategy: 'rrmemory' }],
        lines: [{ number: '74950000000', queue: 'support' }],
        ...overrides,
      },
    ],
  });
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
  return parsed.value.sites[0] as SimSiteConfig;
}

function run(
  seed: number,
  seconds: number,
  callsPerSecond = 2,
): { callers: string[]; vw: ReturnType<typeof virtualWorldFrom> } {
  const vw = virtualWorldFrom(worldFromSite(site()));
  const load = new LoadGenerator(vw.world, {
    callsPerSecond,
    talkSeconds: { kind: 'exponential', mean: 5 },
    patienceSeconds: { kind: 'exponential', mean: 30 },
    operatorAnswerSeconds: { kind: 'uniform', min: 1, max: 2 },
    seed,
  });
  load.start();
  vw.clock.advance(seconds * 1000);
  load.stop();
  const callers = vw
    .named('Newchannel', (e) => e.get('Channel')?.startsWith('PJSIP/pstn-') === true)
    .map((e) => `${e.get('Uniqueid') ?? ''} ${e.get('CallerIDNum') ?? ''}`);
  return { callers, vw };
}

describe('load generator', () => {
  it('replays exactly the same calls for the same seed, and different ones for another seed', () => {
    const a = run(42, 60).callers;
    const b = run(42, 60).callers;
    const c = run(43, 60).callers;
    assert.ok(a.length > 0);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('offers about callsPerSecond calls per second over a long run (Poisson arrivals)', () => {
    const { callers } = run(7, 500, 2);
    // 1000 expected; a Poisson count has a standard deviation of about 32.
    assert.ok(callers.length > 850 && callers.length < 1150, `${callers.length} calls in 500 s at 2/s`);
  });

  it('has operators answer and customers hang up, leaving no channel behind once arrivals stop', () => {
    const { vw } = run(3, 60);
    assert.ok(vw.named('AgentConnect').length > 0, 'operators answered');
    vw.clock.runUntilIdle();
    assert.equal(vw.world.channels.size, 0);
    const newchannels = vw.named('Newchannel').length;
    assert.equal(vw.named('Hangup').length, newchannels, 'every channel that was created was hung up');
  });

  it('turns away nobody silently when every operator is busy: callers wait, then abandon', () => {
    const vw = virtualWorldFrom(
      worldFromSite(site({ operators: { count: 1, firstExtension: '2001', namePrefix: 'Op ', queues: ['support'] } })),
    );
    const load = new LoadGenerator(vw.world, {
      callsPerSecond: 5,
      talkSeconds: { kind: 'fixed', value: 300 },
      patienceSeconds: { kind: 'fixed', value: 20 },
      operatorAnswerSeconds: { kind: 'fixed', value: 1 },
      seed: 1,
    });
    load.start();
    vw.clock.advance(60_000);
    load.stop();
    assert.ok(vw.named('QueueCallerAbandon').length > 100);
    assert.equal(vw.named('AgentConnect').length, 1);
  });
});

describe('simulator configuration', () => {
  it('names the field and the reason for a bad value', () => {
    const parsed = parseSimConfig({
      sites: [
        { id: 's1', ami: { users: [{ username: 'crm', secret: 'x' }] }, lines: [{ number: '749', queue: 'nope' }] },
      ],
    });
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error.message, /sites\[0\]\.lines\[0\]\.queue: queue "nope" is not in queues/);
  });

  it('refuses a user with both or neither of secret and secretFile', () => {
    const parsed = parseSimConfig({ sites: [{ id: 's1', ami: { users: [{ username: 'crm' }] } }] });
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error.message, /needs exactly one of secret or secretFile/);
  });

  it('builds numbered operators who are all members of their queues', () => {
    const world = worldFromSite(site());
    assert.equal(world.phones.length, 20);
    assert.equal(world.phones[19]?.extension, '2020');
    assert.equal(world.queues[0]?.members.length, 20);
    assert.equal(world.queues[0]?.members[0]?.interface, 'PJSIP/2001');
  });
});
