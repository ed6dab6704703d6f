/**
 * Child process for the outbox durability test: appends records to the outbox in argv[2] as
 * fast as it can and prints each seq once `append` has returned, until it is killed.
 */
import { openOutbox } from '../../../src/uplink/outbox.js';
import { callRecord } from '../records.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: append-until-killed.ts DIR');
const outbox = openOutbox(dir);
for (let n = 1; ; n++) {
  const seq = outbox.append(callRecord(n));
  process.stdout.write(`${seq} moscow-rec-${n}\n`);
}
