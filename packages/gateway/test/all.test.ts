// The gateway package's single test entry (one process per package; see scripts/test.mjs).
import './auth/token-verifier.test.js';
import './operators/command-store.test.js';
import './operators/dial-number.test.js';
import './operators/event-stream.test.js';
import './operators/operator-hub.test.js';
import './engine/recordings.test.js';
import './engine/scenarios.test.js';
import './engine/operator-status.test.js';
import './engine/properties.test.js';
import './engine/live-events.test.js';
import './uplink/all.test.js';
import './e2e/operator-websocket.test.js';
import './doctor/doctor.test.js';
import './telephony/pbx-sim.test.js';
import './config/load-site-config.test.js';
import './config/site-config-env.test.js';
import './errors-documented.test.js';
