/**
 * The operators' browsers of a gateway benchmark, in a process of their own: one real
 * WebSocket per operator (ws 8, as the panel's browser would open it: `/operator`, hello with
 * the token, protocol v1), stamping every frame with the monotonic clock the moment it arrives,
 * before parsing it.
 *
 * Modes:
 * - `connect`: operator sessions to a gateway. Call events are recorded under their
 *   attribution key (event-attribution.ts) with their arrival time; frames can be kept
 *   (`recordFrames`) to be replayed by the raw fan-out baseline.
 * - `connect-raw`: plain sockets to the baseline server (raw-fanout-process.ts), which says
 *   which client is which by the `?client=` query; every frame's arrival time is recorded.
 * - `dial-start` / `dial-stop`: some operators place click-to-calls in a loop: `dial`, wait for
 *   the call to end and the wrap-up to pass, wait the interval, dial again.
 */
import WebSocket from 'ws';
import type { EventMessage, ReplyMessage, ServerMessage } from '@callgate/contracts';
import { KeyCounter } from './event-attribution.js';
import { serveRequests } from './ipc.js';
import { monotonicMicros } from './monotonic-clock.js';

interface Client {
  index: number;
  operatorId: string;
  ws: WebSocket;
  /** Calls this operator is on (for the dial loop). */
  activeCalls: Set<string>;
  wrapUp: boolean;
}

export interface DialRecord {
  operatorId: string;
  commandId: string;
  number: string;
  sentUs: number;
  acceptedUs: number | undefined;
  finalUs: number | undefined;
  status: 'accepted' | 'done' | 'failed' | undefined;
  code: string | null;
  callId: string | null;
}

export interface SwarmCollection {
  /** [attribution key, arrival µs] of call events. */
  events: Array<[string, number]>;
  /** [client index, arrival µs, frame text], when recording frames. */
  frames: Array<[number, number, string]>;
  /** Raw mode: [client index, frame number from 0, arrival µs]. */
  rawFrames: Array<[number, number, number]>;
  /** Call events by call id: [operatorId, callId, kind, arrival µs] (click-to-call). */
  callEvents: Array<[string, string, string, number]>;
  dials: DialRecord[];
  framesReceived: number;
  unexpectedCloses: Array<{ operatorId: string; code: number }>;
}

const clients: Client[] = [];
const rawClients: WebSocket[] = [];
/** Raw mode: frames received per client since the last reset (the baseline numbers them the same way). */
const rawFrameCounts = new Map<number, number>();
let counter = new KeyCounter();
let recordFrames = false;
let collection: SwarmCollection = emptyCollection();
let stopping = false;
const dialers: { timers: Set<NodeJS.Timeout>; running: boolean } = { timers: new Set(), running: false };
const pendingDials = new Map<string, DialRecord>();
/** Command ids must never repeat (the gateway would answer from its store): unique per process and dial. */
const commandPrefix = `bench-${process.pid}-${Date.now().toString(36)}`;
let dialCount = 0;

function emptyCollection(): SwarmCollection {
  return {
    events: [],
    frames: [],
    rawFrames: [],
    callEvents: [],
    dials: [],
    framesReceived: 0,
    unexpectedCloses: [],
  };
}

function onGatewayFrame(client: Client, data: Buffer): void {
  const arrivedUs = monotonicMicros();
  const text = data.toString('utf8');
  collection.framesReceived++;
  if (recordFrames) collection.frames.push([client.index, arrivedUs, text]);
  const batch = JSON.parse(text) as ServerMessage[];
  for (const message of batch) {
    if (message.type === 'event') onEvent(client, message, arrivedUs);
    else if (message.type === 'reply') onReply(message, arrivedUs);
  }
}

function onEvent(client: Client, message: EventMessage, arrivedUs: number): void {
  const event = message.event;
  if (event.kind === 'status') {
    client.wrapUp = event.status.work === 'wrap-up';
    return;
  }
  const callId = event.call.callId;
  collection.events.push([counter.next(client.operatorId, callId, event.kind), arrivedUs]);
  collection.callEvents.push([client.operatorId, callId, event.kind, arrivedUs]);
  if (event.kind === 'call.ended' || event.kind === 'call.transferred') client.activeCalls.delete(callId);
  else client.activeCalls.add(callId);
}

function onReply(reply: ReplyMessage, arrivedUs: number): void {
  const dial = pendingDials.get(reply.id);
  if (!dial) return;
  dial.callId ??= reply.callId;
  if (reply.status === 'accepted') {
    dial.acceptedUs ??= arrivedUs;
    dial.status ??= 'accepted';
    return;
  }
  dial.status = reply.status;
  dial.code = reply.code;
  dial.finalUs = arrivedUs;
  pendingDials.delete(reply.id);
}

async function connectAll(url: string, operators: Array<{ id: string; token: string }>, concurrency: number) {
  const started = performance.now();
  let failed = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < operators.length) {
      const index = next++;
      const operator = operators[index];
      if (!operator) continue;
      try {
        clients.push(await connectOperator(url, index, operator));
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clients.sort((a, b) => a.index - b.index);
  return { connected: clients.length, failed, ms: performance.now() - started };
}

function connectOperator(url: string, index: number, operator: { id: string; token: string }): Promise<Client> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/operator`, { perMessageDeflate: false });
  const client: Client = { index, operatorId: operator.id, ws, activeCalls: new Set(), wrapUp: false };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no welcome')), 30_000);
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, token: operator.token })));
    const first = (data: Buffer): void => {
      const batch = JSON.parse(data.toString('utf8')) as ServerMessage[];
      if (!batch.some((m) => m.type === 'welcome')) return;
      ws.off('message', first);
      clearTimeout(timer);
      ws.on('message', (d: Buffer) => onGatewayFrame(client, d));
      resolve(client);
    };
    ws.on('message', first);
    ws.on('close', (code) => {
      if (!stopping) collection.unexpectedCloses.push({ operatorId: operator.id, code });
    });
  });
}

async function connectRaw(url: string, count: number): Promise<{ connected: number }> {
  const open = Array.from({ length: count }, (_, index) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/?client=${index}`, { perMessageDeflate: false });
    ws.on('message', () => {
      const n = rawFrameCounts.get(index) ?? 0;
      rawFrameCounts.set(index, n + 1);
      collection.rawFrames.push([index, n, monotonicMicros()]);
      collection.framesReceived++;
    });
    rawClients.push(ws);
    return new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  });
  await Promise.all(open);
  return { connected: rawClients.length };
}

function startDialing(indexes: number[], numbers: string[], intervalMs: number): void {
  dialers.running = true;
  indexes.forEach((index, i) => {
    const client = clients[index];
    const number = numbers[i % numbers.length];
    if (!client || number === undefined) return;
    const loop = (): void => {
      if (!dialers.running) return;
      if (client.activeCalls.size > 0 || client.wrapUp) return schedule(loop, 200);
      const commandId = `${commandPrefix}-${++dialCount}`;
      const record: DialRecord = {
        operatorId: client.operatorId,
        commandId,
        number,
        sentUs: monotonicMicros(),
        acceptedUs: undefined,
        finalUs: undefined,
        status: undefined,
        code: null,
        callId: null,
      };
      collection.dials.push(record);
      pendingDials.set(commandId, record);
      client.ws.send(
        JSON.stringify({ type: 'command', id: commandId, command: { name: 'dial', number: `+${number}` } }),
      );
      schedule(loop, intervalMs);
    };
    // Spread the first dials over one interval, so they do not all arrive in the same tick.
    schedule(loop, (intervalMs * i) / Math.max(1, indexes.length));
  });
}

function schedule(fn: () => void, ms: number): void {
  const timer = setTimeout(() => {
    dialers.timers.delete(timer);
    fn();
  }, ms);
  dialers.timers.add(timer);
}

function stopDialing(): void {
  dialers.running = false;
  for (const timer of dialers.timers) clearTimeout(timer);
  dialers.timers.clear();
}

async function closeAll(): Promise<void> {
  stopping = true;
  stopDialing();
  const all = [...clients.map((c) => c.ws), ...rawClients];
  await Promise.all(
    all.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close();
          setTimeout(() => {
            ws.terminate();
            resolve();
          }, 3000).unref();
        }),
    ),
  );
  clients.length = 0;
  rawClients.length = 0;
  stopping = false;
}

serveRequests(async (message) => {
  switch (message.type) {
    case 'connect':
      return connectAll(
        String(message.url),
        message.operators as Array<{ id: string; token: string }>,
        Number(message.concurrency ?? 50),
      );
    case 'connect-raw':
      return connectRaw(String(message.url), Number(message.count));
    case 'reset':
      counter = new KeyCounter();
      rawFrameCounts.clear();
      recordFrames = message.recordFrames === true;
      collection = emptyCollection();
      return null;
    case 'collect': {
      const out = collection;
      collection = emptyCollection();
      return out;
    }
    case 'dial-start':
      startDialing(message.operators as number[], message.numbers as string[], Number(message.intervalMs));
      return null;
    case 'dial-stop':
      stopDialing();
      return null;
    case 'disconnect':
      await closeAll();
      return null;
    default:
      throw new Error(`unknown request ${String(message.type)}`);
  }
}, closeAll);
