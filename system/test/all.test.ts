// The system tests (picked up by scripts/test.mjs): callgate run as its users run it, as real
// processes — docs/deploy.md followed step by step, and the README's first command from a
// fresh clone. See system/README.md.
import './operations-doc.test.js';
import './systemd-units.test.js';
import './deploy-guide.test.js';
import './fresh-clone.test.js';
