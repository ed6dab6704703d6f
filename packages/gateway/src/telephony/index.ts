/** The thin I/O around the call engine: a live AMI link, and replay of recorded traces. */
export { replayOutputLines, replayTraceFile, type ReplayFileOptions } from './trace-replay.js';
export { TelephonyLink, type LinkLogger, type TelephonyLinkOptions } from './telephony-link.js';
