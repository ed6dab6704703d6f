// The netfault package's single test entry (one process per package; see scripts/test.mjs).
import './fault-proxy.test.js';
import './chaos-schedule.test.js';
