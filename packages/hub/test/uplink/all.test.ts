// The uplink endpoint's tests (imported by ../all.test.ts), on SQLite and PostgreSQL.
import './uplink-server.test.js';
import './uplink-plugin.test.js';
