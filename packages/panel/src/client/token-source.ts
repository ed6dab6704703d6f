/**
 * The gateway token the hub issued at login, renewed at the hub (`POST /api/v1/auth/token`)
 * for as long as the hub session lasts.
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
