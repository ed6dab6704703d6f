// The browser end-to-end tests (picked up by scripts/test.mjs): real Chromium, real hub, real
// gateways, pbx-sim. See e2e/README.md.
import './operator-panel.test.js';
import './supervisor-dashboard.test.js';
import './wan-outage.test.js';
