import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEvent, applySnapshot, currentCall, EMPTY_OPERATOR_STATE } from '../../src/client/operator-state.js';
import { call, status, T0 } from '../support/operator-messages.js';

describe('operator state', () => {
  it('a ringing call is the current one even while another call is on hold', () => {
    let state = applySnapshot(EMPTY_OPERATOR_STATE, {
      status: status(),
      calls: [call({ callId: 'held', state: 'on-hold', answeredAt: T0 })],
    });
    state = applyEvent(state, {
      kind: 'call.offered',
      call: call({ callId: 'new', startedAt: '2026-11-27T10:01:00.000Z' }),
    });
    assert.equal(currentCall(state)?.callId, 'new');
  });

  it('during a consultation both calls show, oldest first', () => {
    let state = applySnapshot(EMPTY_OPERATOR_STATE, {
      status: status(),
      calls: [call({ callId: 'customer', state: 'consulting', answeredAt: T0 })],
    });
    state = applyEvent(state, {
      kind: 'call.answered',
      call: call({
        callId: 'colleague',
        direction: 'internal',
        state: 'talking',
        startedAt: '2026-11-27T10:02:00.000Z',
      }),
    });
    assert.deepEqual(
      state.calls.map((c) => c.callId),
      ['customer', 'colleague'],
    );
    assert.equal(currentCall(state)?.callId, 'colleague');
  });

  it('a transferred-away call ends for the operator and is kept for the wrap-up', () => {
    let state = applySnapshot(EMPTY_OPERATOR_STATE, { status: status(), calls: [call({ state: 'talking' })] });
    state = applyEvent(state, {
      kind: 'call.transferred',
      call: call({ state: 'ended', outcome: 'transferred', endedAt: T0 }),
    });
    assert.equal(state.calls.length, 0);
    assert.equal(state.ended[0]?.outcome, 'transferred');
  });

  it('remembers at most 20 ended calls, newest first, each once', () => {
    let state = EMPTY_OPERATOR_STATE;
    for (let i = 0; i < 25; i++) {
      state = applyEvent(state, { kind: 'call.ended', call: call({ callId: `c${i}`, state: 'ended' }) });
    }
    state = applyEvent(state, { kind: 'call.ended', call: call({ callId: 'c24', state: 'ended' }) });
    assert.equal(state.ended.length, 20);
    assert.equal(state.ended[0]?.callId, 'c24');
    assert.equal(new Set(state.ended.map((c) => c.callId)).size, 20);
  });
});
