// The uplink end-to-end tests (one process; see scripts/test.mjs). The chaos run comes last.
import './verdict.test.js';
import './link.test.js';
import './chaos.test.js';
