// The hub package's single test entry (one process per package; see scripts/test.mjs).
import './units.test.js';
import './hub-config-env.test.js';
import './live-view.test.js';
// Suites that touch the database run on SQLite and on PostgreSQL (TEST_DATABASE_URL).
import './db.test.js';
import './auth.test.js';
import './records.test.js';
import './contacts.test.js';
import './calls.test.js';
import './webhooks.test.js';
import './live-socket.test.js';
import './uplink/all.test.js';
import './access.test.js';
import './hostile.test.js';
import './ops.test.js';
