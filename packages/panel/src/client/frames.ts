/**
 * Reading server frames: a frame is a JSON array of messages (one frame per tick per client,
 * docs/protocol.md). Each message is checked against the contract; a bad one is skipped and
 * reported, the good ones around it still apply.
 */
import { PanelError, PanelErrorCode } from '../errors.js';

export interface DecodedFrame<T> {
  messages: T[];
  problems: PanelError[];
}

export function decodeFrame<T>(text: string, check: (value: unknown) => value is T, what: string): DecodedFrame<T> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { messages: [], problems: [new PanelError(PanelErrorCode.BadFrame, `a ${what} frame that is not JSON`)] };
  }
  const items: unknown[] = Array.isArray(value) ? value : [value];
  const messages: T[] = [];
  const problems: PanelError[] = [];
  for (const item of items) {
    if (check(item)) {
      messages.push(item);
    } else {
      const type = typeof item === 'object' && item !== null && 'type' in item ? String(item.type) : typeof item;
      problems.push(new PanelError(PanelErrorCode.BadFrame, `a ${what} message (${type}) outside the protocol`));
    }
  }
  return { messages, problems };
}
