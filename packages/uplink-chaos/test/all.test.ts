// The uplink end-to-end tests (one process; see scripts/test.mjs).
import './link.test.js';
