/** The `ami` package: Asterisk Manager Interface parser, serializer and client. No call logic. */
export { AmiError, AmiErrorCode, isAmiError } from './errors.js';
export { AmiMessage } from './message.js';
export { AmiParser, DEFAULT_MAX_MESSAGE_BYTES, type AmiParserOptions, type AmiParserSink } from './parser.js';
export { escapeVariableValue, serializeAction, type AmiAction, type AmiValue } from './serializer.js';
export { actions, type AmiFilter, type OriginateParams } from './actions.js';
export {
  AmiClient,
  type AmiClientEvents,
  type AmiClientOptions,
  type AmiConnectionState,
  type AmiResult,
  type ConnectionInfo,
  type SendOptions,
} from './client.js';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export {
  bridgeSnapshot,
  channelSnapshot,
  decodeEvent,
  queueMemberSnapshot,
  type AmiEvent,
  type BridgeSnapshot,
  type ChannelSnapshot,
  type QueueMemberSnapshot,
} from './events.js';
export {
  decodeTrace,
  TraceDecoder,
  parseTrace,
  parseTraceLine,
  traceItemToJson,
  type TraceDecodeOptions,
  type TraceDirection,
  type TraceItem,
  type TraceLine,
} from './trace.js';
export { Listeners } from './listeners.js';
