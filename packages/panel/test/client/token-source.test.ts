import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperatorToken } from '@callgate/contracts';
import { HubRequestError } from '../../src/client/hub-client.js';
import { HubTokenSource } from '../../src/client/token-source.js';
import { PanelError, PanelErrorCode } from '../../src/errors.js';

const hubToken: OperatorToken = { token: 'hub-2', expiresAt: '2026-11-27T10:30:00.000Z' };

/** The hub's token route, answering what the test says. */
function hubAnswering(answer: () => Promise<OperatorToken>) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    renewToken: () => {
      calls++;
      return answer();
    },
  };
}

describe('hub token source', () => {
  it("adopts the gateway's token for reconnects, and the next renewal still asks the hub", async () => {
    const hub = hubAnswering(() => Promise.resolve(hubToken));
    const tokens = new HubTokenSource(hub, { token: 'hub-1', expiresAt: '2026-11-27T10:15:00.000Z' });
    tokens.adopt({ token: 'site-1', expiresAt: '2026-11-27T10:28:00.000Z' });
    assert.deepEqual(tokens.current(), { token: 'site-1', expiresAt: '2026-11-27T10:28:00.000Z' });
    assert.equal(hub.calls, 0);
    assert.deepEqual(await tokens.renew(), hubToken);
    assert.equal(hub.calls, 1);
    assert.deepEqual(tokens.current(), hubToken);
  });

  it('tells an unreachable hub (the gateway may sign) from an ended login (it must not)', async () => {
    const unreachable = new HubTokenSource(
      hubAnswering(() => Promise.reject(new HubRequestError(PanelErrorCode.HubUnreachable, 'answered 503', 503))),
      null,
    );
    await assert.rejects(
      unreachable.renew(),
      (e: unknown) => e instanceof PanelError && e.code === 'PANEL_ERR_HUB_UNREACHABLE',
    );
    const ended = new HubTokenSource(
      hubAnswering(() => Promise.reject(new HubRequestError('HUB_ERR_UNAUTHENTICATED', 'not logged in', 401))),
      null,
    );
    await assert.rejects(
      ended.renew(),
      (e: unknown) => e instanceof PanelError && e.code === 'PANEL_ERR_SESSION_ENDED',
    );
  });
});
