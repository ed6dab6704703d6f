// Hold from the browser by asking the phone (hold.method phone-notify): the AMI side is faked
// here; the whole path over real AMI against pbx-sim is in e2e/operator-commands.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AmiError, AmiErrorCode, serializeAction, type AmiAction, type AmiResult } from '@callgate/ami';
import type { DomainEvent } from '@callgate/contracts';
import { GatewayError } from '../../src/errors.js';
import { phoneNotifyHoldControl } from '../../src/operators/hold-control.js';

const TARGET = { callId: 'cg-1', channel: 'PJSIP/1001-00000004', uniqueid: '1795795760.4' };

/** A fake AMI link: records what was sent and lets the test push domain events. */
function fakeLink(answer: (action: AmiAction) => Promise<AmiResult> = () => Promise.resolve({} as AmiResult)) {
  const sent: string[] = [];
  const listeners = new Set<(event: DomainEvent) => void>();
  return {
    sent,
    listeners,
    emit: (event: Record<string, unknown>) => {
      for (const l of [...listeners]) l(event as unknown as DomainEvent);
    },
    control: (timeoutMs = 5000) =>
      phoneNotifyHoldControl({
        send: (action) => {
          sent.push(serializeAction(action));
          return answer(action);
        },
        onDomainEvent: (listener) => {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        timeoutMs,
      }),
  };
}

const codeOf = (error: unknown): string => (error instanceof GatewayError ? error.code : String(error));

describe('hold by asking the phone (PJSIPNotify in the call’s dialog)', () => {
  it('sends Event: hold to the operator’s channel and is done when the engine sees this call held', async () => {
    const link = fakeLink();
    let done = false;
    const holding = link
      .control()
      .hold(TARGET)
      .then(() => (done = true));
    assert.equal(link.sent.length, 1);
    assert.match(link.sent[0] ?? '', /^Action: PJSIPNotify\r\n/);
    assert.match(link.sent[0] ?? '', /\r\nChannel: PJSIP\/1001-00000004\r\n/);
    assert.match(link.sent[0] ?? '', /\r\nVariable: Event=hold\r\n/);
    link.emit({ type: 'call.held', callId: 'cg-other', operatorId: 'op-2' });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, false, 'another call’s hold does not count');
    link.emit({ type: 'call.held', callId: 'cg-1', operatorId: 'op-1' });
    await holding;
    assert.equal(link.listeners.size, 0, 'stops listening once settled');
  });

  it('resumes with Event: talk and waits for call.resumed', async () => {
    const link = fakeLink();
    const resuming = link.control().unhold(TARGET);
    assert.match(link.sent[0] ?? '', /\r\nVariable: Event=talk\r\n/);
    link.emit({ type: 'call.held', callId: 'cg-1', operatorId: 'op-1' });
    link.emit({ type: 'call.resumed', callId: 'cg-1', operatorId: 'op-1' });
    await resuming;
  });

  it('fails with GW_ERR_PHONE_DID_NOT_HOLD when the phone ignores the request', async () => {
    const link = fakeLink();
    await assert.rejects(link.control(30).hold(TARGET), (e) => codeOf(e) === 'GW_ERR_PHONE_DID_NOT_HOLD');
    assert.equal(link.listeners.size, 0);
  });

  it('fails with GW_ERR_UNKNOWN_CALL when the call ends first', async () => {
    const link = fakeLink();
    const holding = link.control().hold(TARGET);
    link.emit({ type: 'call.ended', callId: 'cg-1', record: {} });
    await assert.rejects(holding, (e) => codeOf(e) === 'GW_ERR_UNKNOWN_CALL');
  });

  it('turns Asterisk’s Permission denied (no write = system) into GW_ERR_HOLD_UNAVAILABLE with the reason', async () => {
    const link = fakeLink(() => Promise.reject(new AmiError(AmiErrorCode.ActionFailed, 'Permission denied')));
    await assert.rejects(link.control().hold(TARGET), (e) => {
      assert.equal(codeOf(e), 'GW_ERR_HOLD_UNAVAILABLE');
      assert.match((e as Error).message, /write = system/);
      return true;
    });
  });

  it('passes other Asterisk errors on unchanged (the executor reports them as refused)', async () => {
    const refused = new AmiError(AmiErrorCode.ActionFailed, 'Channel not found');
    const link = fakeLink(() => Promise.reject(refused));
    await assert.rejects(link.control().hold(TARGET), (e) => e === refused);
  });
});
