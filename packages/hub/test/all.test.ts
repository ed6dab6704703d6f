// The hub package's single test entry (one process per package; see scripts/test.mjs).
// Suites that touch the database run on SQLite and on PostgreSQL (TEST_DATABASE_URL).
import './db.test.js';
import './auth.test.js';
