import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from '../../src/client/backoff.js';
import { webSocketUrl } from '../../src/client/client-socket.js';

describe('reconnect backoff', () => {
  it('spreads 500 operators reconnecting at once over half of each step', () => {
    const options = { initialMs: 500, maxMs: 15_000 };
    assert.equal(backoffDelay(3, { ...options, random: () => 0 }), 2_000);
    assert.equal(backoffDelay(3, { ...options, random: () => 0.999999 }), 4_000);
    assert.equal(backoffDelay(100, { ...options, random: () => 0 }), 7_500, 'huge attempt counts stay capped');
  });
});

describe('gateway WebSocket address', () => {
  it('turns the hub-provided gateway URL into the operator socket URL, keeping a proxy path', () => {
    assert.equal(webSocketUrl('https://gw.tallinn.example.com', '/operator'), 'wss://gw.tallinn.example.com/operator');
    assert.equal(webSocketUrl('http://10.0.0.5:8081/', '/operator'), 'ws://10.0.0.5:8081/operator');
    assert.equal(
      webSocketUrl('https://proxy.example.com/moscow', '/operator'),
      'wss://proxy.example.com/moscow/operator',
    );
  });
});
