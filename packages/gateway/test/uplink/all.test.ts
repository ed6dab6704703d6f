// The uplink's tests (imported by ../all.test.ts).
import './outbox.test.js';
import './record-window.test.js';
import './delivery-rate.test.js';
import './live-relay.test.js';
import './site-credential.test.js';
import './hub-command-store.test.js';
import './disposition-queue.test.js';
