import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainEvent } from '@callgate/contracts';
import { LiveRelay, type LiveRelaySink } from '../../src/uplink/live-relay.js';

const status = (n: number): DomainEvent => ({
  type: 'operator.status',
  site: 'moscow',
  at: new Date(n).toISOString(),
  status: {
    operatorId: `op-${n}`,
    phone: 'idle',
    work: 'ready',
    pauseReason: null,
    since: new Date(n).toISOString(),
    callId: null,
  },
});

/** A sink that records what was sent, with a manual timer. */
function fakeSink() {
  const sent: (string | number)[][] = [];
  let pending: (() => void) | undefined;
  const state = { linked: true, writable: true, dropped: 0 };
  const sink: LiveRelaySink = {
    linked: () => state.linked,
    writable: () => state.writable,
    sendEvents: (seq, events) => sent.push(['events', seq, events.length]),
    sendSnapshot: (lastSeq) => sent.push(['snapshot', lastSeq]),
    dropped: (n) => (state.dropped += n),
    schedule(fn) {
      pending = fn;
      return { cancel: () => (pending = undefined) };
    },
  };
  const tick = (): void => {
    const fn = pending;
    pending = undefined;
    fn?.();
  };
  return { sink, sent, state, tick };
}

describe('live events to the hub', () => {
  it('after a (re)connect the hub gets a snapshot first, then events numbered from 1, one frame per tick', () => {
    const { sink, sent, tick } = fakeSink();
    const relay = new LiveRelay(sink, 50);
    relay.linked();
    relay.publish(status(1));
    relay.publish(status(2));
    tick();
    relay.publish(status(3));
    tick();
    assert.deepEqual(sent, [
      ['snapshot', 0],
      ['events', 1, 2],
      ['events', 2, 1],
    ]);
  });

  it('events while the link is down are dropped and counted, not queued for later', () => {
    const { sink, sent, state } = fakeSink();
    const relay = new LiveRelay(sink, 50);
    state.linked = false;
    relay.publish(status(1));
    relay.publish(status(2));
    assert.equal(state.dropped, 2);
    assert.deepEqual(sent, []);
  });

  it('a backed-up socket drops the batch and sends a snapshot once it drains', () => {
    const { sink, sent, state, tick } = fakeSink();
    const relay = new LiveRelay(sink, 50);
    relay.linked();
    relay.publish(status(1));
    tick();
    state.writable = false;
    relay.publish(status(2));
    tick();
    assert.equal(state.dropped, 1);
    state.writable = true;
    tick();
    relay.publish(status(3));
    tick();
    assert.deepEqual(sent, [
      ['snapshot', 0],
      ['events', 1, 1],
      ['snapshot', 1],
      ['events', 2, 1],
    ]);
  });

  it('the hub asking for a resync gets a snapshot at the next tick', () => {
    const { sink, sent, tick } = fakeSink();
    const relay = new LiveRelay(sink, 50);
    relay.linked();
    relay.resync();
    tick();
    assert.deepEqual(sent, [
      ['snapshot', 0],
      ['snapshot', 0],
    ]);
  });
});
