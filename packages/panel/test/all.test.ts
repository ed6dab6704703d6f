// The panel package's single test entry (one process per package; see scripts/test.mjs).
// Logic only (node:test, no browser); the browser end-to-end tests are in e2e/ at the root.
import './client/backoff.test.js';
import './client/dial-input.test.js';
import './client/operator-state.test.js';
import './client/operator-connection.test.js';
import './client/live-connection.test.js';
import './client/wrap-up-queue.test.js';
import './client/demo-phone.test.js';
import './client/hub-client.test.js';
import './client/token-source.test.js';
import './i18n/catalogues.test.js';
import './build/contract-runtime.test.js';
import './build/build-panel.test.js';
import './record-id.test.js';
