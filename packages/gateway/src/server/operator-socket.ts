/**
 * One operator WebSocket connection: the hello/token handshake, token expiry, heartbeats,
 * parsing and validating every frame, batching outgoing messages (one frame per tick, as a
 * JSON array), and dropping a client that cannot keep up.
 *
 * Every outgoing message is validated against the closed schemas of the operator protocol
 * before it is written: a message that would carry anything the protocol does not allow
 * (a queue name, a channel) is dropped and logged instead of reaching the browser.
 */
import type { WebSocket } from 'ws';
import {
  clientMessageValidator,
  CloseCode,
  OPERATOR_PROTOCOL_VERSION,
  serverMessageValidator,
  type ClientMessage,
  type OperatorToken,
  type OperatorTokenClaims,
  type ServerMessage,
  type SiteOperator,
} from '@callgate/contracts';
import type { TokenVerifier } from '../auth/token-verifier.js';
import { GatewayErrorCode } from '../errors.js';
import type { CommandExecutor } from '../operators/command-executor.js';
import type { OperatorConnection, OperatorHub } from '../operators/operator-hub.js';

export interface OperatorSocketDeps {
  hub: OperatorHub;
  verifier: TokenVerifier;
  executor: CommandExecutor;
  /**
   * A token the gateway signs itself for the holder of `claims` (the panel asks with `renew`
   * when the hub is out of reach), or why not.
   */
  renew: (
    claims: OperatorTokenClaims,
  ) => Promise<{ ok: true; value: OperatorToken } | { ok: false; error: { message: string } }>;
  now: () => Date;
  helloTimeoutMs: number;
  heartbeatSeconds: number;
  /** Close a client whose unsent data exceeds this (it reconnects and gets a snapshot). */
  maxBufferedBytes: number;
  /** Malformed frames tolerated before the connection is closed. */
  maxViolations: number;
  log: {
    info(fields: Record<string, unknown>, message: string): void;
    warn(fields: Record<string, unknown>, message: string): void;
    error(fields: Record<string, unknown>, message: string): void;
  };
  remoteAddress: string;
}

export class OperatorSocket implements OperatorConnection {
  readonly #ws: WebSocket;
  readonly #d: OperatorSocketDeps;
  #operator: SiteOperator | undefined;
  #claims: OperatorTokenClaims | undefined;
  #outbox: ServerMessage[] = [];
  #flushScheduled = false;
  #helloTimer: NodeJS.Timeout | undefined;
  #expiryTimer: NodeJS.Timeout | undefined;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #awaitingPong = false;
  #violations = 0;
  #closed = false;
  #helloPending = false;
  /** A `renew` is being answered. */
  #renewing = false;

  constructor(ws: WebSocket, deps: OperatorSocketDeps) {
    this.#ws = ws;
    this.#d = deps;
    this.#helloTimer = setTimeout(() => this.close(CloseCode.HelloTimeout, 'no hello'), deps.helloTimeoutMs);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return this.#violation(GatewayErrorCode.BadMessage, 'binary frames are not part of the protocol');
      this.#onFrame(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    });
    ws.on('pong', () => {
      this.#awaitingPong = false;
    });
    ws.on('close', () => this.#cleanup());
    ws.on('error', (error) => {
      this.#d.log.warn({ operatorId: this.#operator?.id, err: error.message }, 'operator socket error');
    });
  }

  get operatorId(): string | undefined {
    return this.#operator?.id;
  }

  send(messages: ServerMessage[]): void {
    if (this.#closed) return;
    for (const message of messages) {
      const parsed = serverMessageValidator.parse(message);
      if (!parsed.ok) {
        this.#d.log.error(
          { operatorId: this.#operator?.id, type: (message as { type?: unknown }).type, problem: parsed.error.message },
          'refused to send a message outside the operator protocol',
        );
        continue;
      }
      this.#outbox.push(message);
    }
    if (!this.#flushScheduled && this.#outbox.length > 0) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    this.#cleanup();
    this.#ws.close(code, reason);
    // A peer that never answers the close handshake is cut after a grace period.
    setTimeout(() => this.#ws.terminate(), 2000).unref();
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#closed || this.#outbox.length === 0) return;
    if (this.#ws.bufferedAmount > this.#d.maxBufferedBytes) {
      this.#outbox = [];
      this.close(CloseCode.TooSlow, 'too slow; reconnect for a snapshot');
      return;
    }
    const batch = this.#outbox;
    this.#outbox = [];
    this.#ws.send(JSON.stringify(batch));
  }

  #onFrame(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return this.#violation(GatewayErrorCode.BadJson, 'the frame is not JSON');
    }
    const parsed = clientMessageValidator.parse(value);
    if (!parsed.ok) return this.#violation(GatewayErrorCode.BadMessage, parsed.error.message);
    const message: ClientMessage = parsed.value;
    switch (message.type) {
      case 'hello':
        if (this.#operator || this.#helloPending)
          return this.#violation(GatewayErrorCode.OutOfOrder, 'hello was already sent');
        this.#helloPending = true;
        void this.#onHello(message.v, message.token, message.resume);
        return;
      case 'token':
        if (!this.#operator) return this.#violation(GatewayErrorCode.OutOfOrder, 'send hello first');
        void this.#onToken(message.token);
        return;
      case 'renew':
        if (!this.#operator) return this.#violation(GatewayErrorCode.OutOfOrder, 'send hello first');
        // Asked again before the answer: that answer serves both (one signature per renewal).
        if (this.#renewing) return;
        this.#renewing = true;
        void this.#onRenew().finally(() => {
          this.#renewing = false;
        });
        return;
      case 'command': {
        const operator = this.#operator;
        if (!operator) return this.#violation(GatewayErrorCode.OutOfOrder, 'send hello first');
        void this.#d.executor.handle(operator, message.id, message.command);
        return;
      }
    }
  }

  async #onHello(v: number, token: string, resume: { streamId: string; lastSeq: number } | undefined): Promise<void> {
    clearTimeout(this.#helloTimer);
    if (v !== OPERATOR_PROTOCOL_VERSION) {
      return this.close(CloseCode.UnsupportedVersion, `protocol v${OPERATOR_PROTOCOL_VERSION} only`);
    }
    const check = await this.#d.verifier.verify(token, this.#d.now());
    if (this.#closed) return;
    if (!check.ok) {
      this.#d.log.warn({ remote: this.#d.remoteAddress, problem: check.problem }, 'operator token refused');
      if (check.problem === 'expired') return this.close(CloseCode.TokenExpired, 'token expired');
      if (check.problem === 'wrong-site') return this.close(CloseCode.Forbidden, 'token is for another site');
      return this.close(CloseCode.Unauthorized, 'invalid token');
    }
    const claims = check.claims;
    const operator = claims.role === 'operator' ? this.#d.hub.operator(claims.sub) : undefined;
    if (!operator || (claims.ext !== '' && claims.ext !== operator.extension)) {
      this.#d.log.warn(
        { remote: this.#d.remoteAddress, sub: claims.sub, role: claims.role },
        'token holder is not an operator of this site',
      );
      return this.close(CloseCode.Forbidden, 'not an operator of this site');
    }
    this.#operator = operator;
    this.#claims = claims;
    this.#armExpiry(claims.exp);
    const first = this.#d.hub.attach(operator.id, this, resume, new Date(claims.exp * 1000).toISOString());
    this.send(first);
    this.#startHeartbeat();
    this.#d.log.info(
      { operatorId: operator.id, session: claims.sid, remote: this.#d.remoteAddress },
      'operator connected',
    );
  }

  async #onToken(token: string): Promise<void> {
    const check = await this.#d.verifier.verify(token, this.#d.now());
    if (this.#closed) return;
    if (!check.ok || check.claims.sub !== this.#claims?.sub || check.claims.role !== this.#claims.role) {
      this.send([
        { type: 'error', code: GatewayErrorCode.BadToken, message: 'the renewed token is not valid for this operator' },
      ]);
      return;
    }
    this.#claims = check.claims;
    this.#armExpiry(check.claims.exp);
  }

  async #onRenew(): Promise<void> {
    const claims = this.#claims;
    if (claims === undefined) return;
    const renewed = await this.#d.renew(claims);
    if (this.#closed) return;
    // Checked like any token the socket gets: the claims in force are the verified ones.
    const check = renewed.ok ? await this.#d.verifier.verify(renewed.value.token, this.#d.now()) : undefined;
    if (this.#closed) return;
    if (!renewed.ok || !check?.ok) {
      const message = renewed.ok ? 'the gateway could not sign a token' : renewed.error.message;
      this.#d.log.info({ operatorId: this.#operator?.id, reason: message }, 'site token refused');
      this.send([{ type: 'error', code: GatewayErrorCode.SiteTokenRefused, message }]);
      return;
    }
    this.#claims = check.claims;
    this.#armExpiry(check.claims.exp);
    this.send([{ type: 'site-token', token: renewed.value.token, expiresAt: renewed.value.expiresAt }]);
    this.#d.log.info(
      { operatorId: this.#operator?.id, session: claims.sid, expiresAt: renewed.value.expiresAt },
      'site token issued (the hub is out of reach)',
    );
  }

  #armExpiry(exp: number): void {
    clearTimeout(this.#expiryTimer);
    const ms = Math.max(0, exp * 1000 - this.#d.now().getTime());
    // Timers cannot exceed 2^31-1 ms; tokens are short-lived, but stay safe.
    this.#expiryTimer = setTimeout(
      () => this.close(CloseCode.TokenExpired, 'token expired'),
      Math.min(ms, 2 ** 31 - 1),
    );
  }

  #startHeartbeat(): void {
    this.#heartbeatTimer = setInterval(() => {
      if (this.#awaitingPong) {
        // No pong for a whole interval: the peer is gone (laptop asleep, network cut).
        this.#d.log.info({ operatorId: this.#operator?.id }, 'operator socket dead; terminating');
        this.#ws.terminate();
        return;
      }
      this.#awaitingPong = true;
      this.#ws.ping();
      const operatorId = this.#operator?.id;
      if (operatorId)
        this.send([{ type: 'heartbeat', at: this.#d.now().toISOString(), seq: this.#d.hub.seq(operatorId) }]);
    }, this.#d.heartbeatSeconds * 1000);
  }

  #violation(code: GatewayErrorCode, message: string): void {
    this.#violations++;
    this.send([{ type: 'error', code, message }]);
    if (this.#violations > this.#d.maxViolations) this.close(CloseCode.ProtocolViolation, 'too many malformed frames');
  }

  #cleanup(): void {
    this.#closed = true;
    clearTimeout(this.#helloTimer);
    clearTimeout(this.#expiryTimer);
    clearInterval(this.#heartbeatTimer);
    if (this.#operator) this.#d.hub.detach(this.#operator.id, this);
  }
}
