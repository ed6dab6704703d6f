// The ami package's single test entry (one process per package; see scripts/test.mjs).
import './parser.test.js';
import './recordings.test.js';
import './serializer.test.js';
import './actions.test.js';
import './events.test.js';
import './trace.test.js';
import './client.test.js';
import './backoff.test.js';
import './listeners.test.js';
import './message.test.js';
import './errors.test.js';
