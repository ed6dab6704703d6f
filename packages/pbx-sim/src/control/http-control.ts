/**
 * The simulator's HTTP control interface for the demo and for scripts in other languages:
 * JSON over plain node:http, one route per control API call (docs/pbx-sim.md, "HTTP
 * control"). Request bodies are validated with the contracts schemas; every error is
 * `{ "error": { "code", "message" } }` with a SIM_ERR_… code. When a token is configured every
 * request must carry `Authorization: Bearer <token>`.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import {
  simCustomerCallRequestValidator,
  simLoadRequestValidator,
  simNumberBehaviourValidator,
  simTransferRequestValidator,
  type Validator,
} from '@callgate/contracts';
import { isSimError, SimError, SimErrorCode } from '../errors.js';
import type { SimSite } from './sim-sites.js';

export interface HttpControl {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024;

const STATUS: Partial<Record<SimErrorCode, number>> = {
  [SimErrorCode.NotFound]: 404,
  [SimErrorCode.BadState]: 409,
  [SimErrorCode.BadRequest]: 400,
  [SimErrorCode.Stopped]: 503,
  [SimErrorCode.Unauthorized]: 401,
};

export async function startHttpControl(opts: {
  host: string;
  port: number;
  token: string | undefined;
  sites: ReadonlyMap<string, SimSite>;
}): Promise<HttpControl> {
  const server = http.createServer((req, res) => {
    handle(req, opts)
      .then((r) => reply(res, r.status, r.body))
      .catch((error: unknown) => {
        const e = isSimError(error)
          ? error
          : new SimError(SimErrorCode.BadState, error instanceof Error ? error.message : String(error));
        reply(res, STATUS[e.code] ?? 500, { error: { code: e.code, message: e.message } });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e) => reject(new SimError(SimErrorCode.Listen, `control port ${opts.port}: ${e.message}`)));
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : opts.port;
  return {
    host: opts.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: http.ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

function authorized(req: http.IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody<T>(req: http.IncomingMessage, v: Validator<T>): Promise<T> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new SimError(SimErrorCode.BadRequest, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new SimError(SimErrorCode.BadRequest, 'body is not JSON');
  }
  const parsed = v.parse(value);
  if (!parsed.ok) throw new SimError(SimErrorCode.BadRequest, parsed.error.message);
  return parsed.value;
}

interface Reply {
  status: number;
  body?: unknown;
}

async function handle(
  req: http.IncomingMessage,
  opts: { token: string | undefined; sites: ReadonlyMap<string, SimSite> },
): Promise<Reply> {
  if (!authorized(req, opts.token)) throw new SimError(SimErrorCode.Unauthorized, 'missing or wrong bearer token');
  const url = new URL(req.url ?? '/', 'http://sim');
  const parts = url.pathname
    .split('/')
    .filter((p) => p !== '')
    .map(decodeURIComponent);
  const method = req.method ?? 'GET';
  if (parts[0] !== 'sites') throw new SimError(SimErrorCode.NotFound, `no route ${method} ${url.pathname}`);
  if (parts.length === 1 && method === 'GET') {
    return { status: 200, body: [...opts.sites.values()].map(siteSummary) };
  }
  const site = opts.sites.get(parts[1] ?? '');
  if (!site) throw new SimError(SimErrorCode.NotFound, `no site ${parts[1] ?? ''}`);
  const control = site.sim.control;
  const route = `${method} ${parts.slice(2, 3).join('/')}`;
  switch (route) {
    case 'GET ':
      return { status: 200, body: siteSummary(site) };
    case 'GET channels':
      return { status: 200, body: control.channels() };
    case 'POST calls': {
      const body = await readBody(req, simCustomerCallRequestValidator);
      const call = control.customerCalls({
        from: body.from,
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.line !== undefined ? { line: body.line } : {}),
        ...(body.patienceSeconds !== undefined ? { patienceMs: body.patienceSeconds * 1000 } : {}),
        ...(body.talkSeconds !== undefined ? { talkMs: body.talkSeconds * 1000 } : {}),
      });
      return { status: 201, body: { channel: call.channel, uniqueid: call.uniqueid } };
    }
    case 'POST phones': {
      const ext = parts[3] ?? '';
      const action = parts[4] ?? '';
      const phone = control.phone(ext);
      if (action === 'transfer') {
        const body = await readBody(req, simTransferRequestValidator);
        if (body.attended) phone.attendedTransfer(body.exten);
        else phone.blindTransfer(body.exten);
        return { status: 204 };
      }
      const actions: Record<string, () => void> = {
        answer: () => phone.answer(),
        reject: () => phone.reject(),
        hangup: () => phone.hangup(),
        hold: () => phone.hold(),
        unhold: () => phone.unhold(),
        register: () => phone.register(),
        unregister: () => phone.unregister(),
      };
      const run = actions[action];
      if (!run) throw new SimError(SimErrorCode.NotFound, `no phone action ${action}`);
      run();
      return { status: 204 };
    }
    case 'PUT numbers': {
      const body = await readBody(req, simNumberBehaviourValidator);
      control.number(parts[3] ?? '').setBehaviour({
        mode: body.mode,
        answerAfterMs: body.answerAfterSeconds * 1000,
        hangupAfterMs: body.hangupAfterSeconds === undefined ? undefined : body.hangupAfterSeconds * 1000,
      });
      return { status: 204 };
    }
    case 'POST restart':
      control.restart().catch(() => undefined);
      return { status: 202 };
    case 'POST drop-connections':
      control.dropAmiConnections();
      return { status: 204 };
    case 'GET load':
      if (!site.load) throw new SimError(SimErrorCode.NotFound, `site ${site.config.id} has no load section`);
      return { status: 200, body: site.load.stats() };
    case 'PUT load': {
      if (!site.load) throw new SimError(SimErrorCode.NotFound, `site ${site.config.id} has no load section`);
      const body = await readBody(req, simLoadRequestValidator);
      site.load.setRate(body.callsPerSecond);
      if (body.callsPerSecond > 0) site.load.start();
      else site.load.stop();
      return { status: 200, body: site.load.stats() };
    }
    default:
      throw new SimError(SimErrorCode.NotFound, `no route ${method} ${url.pathname}`);
  }
}

function siteSummary(site: SimSite): unknown {
  return {
    id: site.config.id,
    flavour: site.config.flavour,
    ami: { host: site.sim.host, port: site.sim.port },
    state: site.sim.pbx.state,
    channels: site.sim.pbx.world.channels.size,
    load: site.load?.stats(),
  };
}
