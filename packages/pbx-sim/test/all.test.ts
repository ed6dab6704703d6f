// The pbx-sim package's single test entry (one process per package; see scripts/test.mjs).
import './model/queue-call.test.js';
import './model/direct-line.test.js';
import './ami/ami-server.test.js';
import './control/click-to-call.test.js';
import './control/restart.test.js';
import './conformance/conformance.test.js';
import './load/load-generator.test.js';
import './control/http-control.test.js';
import './control/world-control.test.js';
import './ami/site-inspection.test.js';
import './ami/call-control-actions.test.js';
import './apps/remote-hold.test.js';
import './ami/pjsip-notify.test.js';
import './ari/ari-server.test.js';
