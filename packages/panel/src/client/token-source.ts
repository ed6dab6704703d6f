/**
 * The gateway token the hub issued at login, renewed at the hub (`POST /api/v1/auth/token`)
 * for as long as the hub session lasts. During a WAN outage the gateway signs tokens itself
 * over the socket (`site-token`); those are adopted here so reconnects use them, and the next
 * renewal still asks the hub first. When the panel was loaded from the gateway (site login),
 * "the hub" is the gateway's own `/api/v1/auth/*`: same paths, same shapes.
 */
import type { OperatorToken } from '@callgate/contracts';
import { PanelError, PanelErrorCode } from '../errors.js';
import { HubRequestError, type HubClient } from './hub-client.js';
import type { TokenSource } from './operator-connection.js';

export class HubTokenSource implements TokenSource {
  #token: OperatorToken | null;

  constructor(
    private readonly hub: Pick<HubClient, 'renewToken'>,
    initial: OperatorToken | null,
  ) {
    this.#token = initial;
  }

  current(): OperatorToken | null {
    return this.#token;
  }

  adopt(token: OperatorToken): void {
    this.#token = token;
  }

  async renew(): Promise<OperatorToken> {
    try {
      this.#token = await this.hub.renewToken();
      return this.#token;
    } catch (error) {
      if (error instanceof HubRequestError && (error.status === 401 || error.status === 403)) {
        throw new PanelError(PanelErrorCode.SessionEnded, error.message, { cause: error });
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new PanelError(PanelErrorCode.HubUnreachable, message, { cause: error });
    }
  }
}
