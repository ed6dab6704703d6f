/**
 * The demo's softphone strip, server side: in the demo there is no real SIP phone on the
 * operator's desk, so the panel shows a small strip that drives the operator's *simulated*
 * phone in pbx-sim ("answer on phone", hang up, hold). Mounted on the demo gateways only
 * (`/demo/phone`), never in production.
 *
 * It authenticates exactly like the operator WebSocket: the hub-signed operator token, verified
 * with the gateway's key set, and the phone is always the token holder's own extension.
 */
import type http from 'node:http';
import type { TokenVerifier } from '@callgate/gateway';
import type { PbxSim } from '@callgate/pbx-sim';

const ACTIONS = ['answer', 'reject', 'hangup', 'hold', 'unhold'] as const;
type PhoneAction = (typeof ACTIONS)[number];

export function demoSoftphoneRoutes(sim: PbxSim, verifier: TokenVerifier, panelOrigin: string) {
  const send = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'access-control-allow-origin': panelOrigin,
      vary: 'origin',
    });
    res.end(JSON.stringify(body));
  };
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const check = token ? await verifier.verify(token) : undefined;
    if (!check?.ok || check.claims.role !== 'operator' || check.claims.ext === '') {
      send(res, 401, { error: { code: 'DEMO_ERR_UNAUTHORIZED', message: 'an operator token is required' } });
      return;
    }
    const phone = sim.control.phone(check.claims.ext);
    if (req.method === 'GET' && path === '/demo/phone') {
      send(res, 200, { extension: check.claims.ext, ringing: phone.ringing, inCall: phone.channels().length > 0 });
      return;
    }
    const action = path.slice('/demo/phone/'.length) as PhoneAction;
    if (req.method !== 'POST' || !ACTIONS.includes(action)) {
      send(res, 404, { error: { code: 'DEMO_ERR_NOT_FOUND', message: `no route ${req.method} ${path}` } });
      return;
    }
    try {
      phone[action]();
      send(res, 200, { ok: true, ringing: phone.ringing, inCall: phone.channels().length > 0 });
    } catch (error) {
      send(res, 409, {
        error: { code: 'DEMO_ERR_PHONE', message: error instanceof Error ? error.message : String(error) },
      });
    }
  };
  return (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (!path.startsWith('/demo/phone')) return false;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': panelOrigin,
        'access-control-allow-methods': 'GET, POST',
        'access-control-allow-headers': 'authorization',
        'access-control-max-age': '600',
        vary: 'origin',
      });
      res.end();
      return true;
    }
    handle(req, res, path).catch((error: unknown) =>
      send(res, 500, {
        error: { code: 'DEMO_ERR_INTERNAL', message: error instanceof Error ? error.message : String(error) },
      }),
    );
    return true;
  };
}
