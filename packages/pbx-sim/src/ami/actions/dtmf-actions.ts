/**
 * PlayDTMF (apps/app_senddtmf.c manager_play_dtmf, `call` privilege): Channel, Digit, Duration
 * (ms), Receive. Its checks and texts in its order: `Channel not found`, `No digit specified`,
 * `Could not convert Duration parameter`, then `DTMF successfully queued`. Only the first
 * character of Digit is played. Sending blocks the manager thread for the digit's duration
 * (`usleep` in ast_senddigit_external, at least 100 ms), so the response comes after it;
 * receiving only queues a frame and answers at once. What each raises: ../../apps/dtmf.ts.
 */
import { receiveDigit, sendDigit } from '../../apps/dtmf.js';
import type { ActionContext } from '../action-context.js';

export async function playDtmf(ctx: ActionContext): Promise<void> {
  const world = ctx.pbx.world;
  const name = ctx.header('Channel') ?? '';
  const ch = world.channelByName(name) ?? world.channels.get(name);
  if (!ch) {
    ctx.error('Channel not found');
    return;
  }
  const digit = (ctx.header('Digit') ?? '').charAt(0);
  if (digit === '') {
    ctx.error('No digit specified');
    return;
  }
  const durationText = ctx.header('Duration');
  let durationMs = 0;
  if (durationText !== undefined) {
    // sscanf("%30u"): leading digits count, anything else is refused.
    const m = /^\s*\+?(\d+)/.exec(durationText);
    if (!m?.[1]) {
      ctx.error('Could not convert Duration parameter');
      return;
    }
    durationMs = Number(m[1]);
  }
  if (ctx.flag('Receive')) {
    receiveDigit(world, ch, digit, durationMs);
  } else {
    await ctx.pbx.sleep(sendDigit(ch, digit, durationMs));
  }
  ctx.success('DTMF successfully queued');
}
