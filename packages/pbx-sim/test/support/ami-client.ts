/** An AMI client for one pbx-sim, as the tests use it, and what Asterisk answered an action. */
import { AmiClient, isAmiError, type AmiAction, type AmiMessage } from '@callgate/ami';
import type { PbxSim } from '../../src/index.js';

export interface SimClientOptions {
  username?: string;
  secret?: string;
  auth?: 'md5' | 'plain';
}

/** Not started; no reconnect, no keepalive (the lab user `crm` unless told otherwise). */
export function simClient(sim: PbxSim, options: SimClientOptions = {}): AmiClient {
  return new AmiClient({
    host: sim.host,
    port: sim.port,
    username: options.username ?? 'crm',
    secret: options.secret ?? 'crm-secret',
    ...(options.auth ? { auth: options.auth } : {}),
    reconnect: false,
    keepaliveIntervalMs: 0,
  });
}

/** Asterisk's `Message` for an action (`ok` without one), or the error text. */
export async function answer(c: AmiClient, action: AmiAction): Promise<string> {
  try {
    const result = await c.send(action);
    return result.response.get('Message') ?? 'ok';
  } catch (error) {
    if (isAmiError(error)) return error.message;
    throw error;
  }
}

/** The next `Newstate Ringing` of a channel of PJSIP phone `ext`. */
export function ringingOn(sim: PbxSim, ext: string): Promise<AmiMessage> {
  return sim.control.waitForEvent(
    (e) =>
      e.event === 'Newstate' &&
      e.get('ChannelStateDesc') === 'Ringing' &&
      e.get('Channel')?.startsWith(`PJSIP/${ext}-`) === true,
  );
}
