// The cli package's single test entry (one process per package; see scripts/test.mjs).
import './replay.test.js';
import './ami.test.js';
import './hub-admin.test.js';
import './commands.test.js';
import './demo-traffic.test.js';
import './bundle.test.js';
