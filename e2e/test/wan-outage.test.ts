/**
 * A WAN outage at a site, in real Chromium: the operator opens the gateway's own address, logs in
 * there with the usual password, takes a call, saves the disposition — and the hub has the call
 * and its disposition once the link is back. While the link is up, the gateway's address sends
 * operators to the hub.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { hubCall, startCallCenter, waitUntil, type CallCenter } from '../support/call-center.js';
import {
  launchBrowser,
  logIn,
  openPanel,
  readyToWork,
  takeCall,
  waitForAttribute,
  waitForText,
} from '../support/browser.js';
import { CONTACTS, SUPERVISORS, TALLINN } from '../support/staff.js';

describe('working through a WAN outage', () => {
  let center: CallCenter;
  let browser: Browser;

  before(async () => {
    center = await startCallCenter({ sites: [TALLINN], supervisors: SUPERVISORS, contacts: CONTACTS });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await center?.stop();
  });

  it('while the link is up, the gateway sends operators to the hub', async () => {
    const site = center.site('tallinn');
    const kati = await openPanel(browser, site.gateway.url);
    await logIn(kati, 'kati');
    await waitForText(kati.page.locator('.form-error[role="alert"]'), /usual/i);
    await kati.context.close();
  });

  it('the operator logs in at the gateway, takes a call and saves the disposition; the hub has both after the link is back', async () => {
    const site = center.site('tallinn');
    site.cutWan();
    await waitUntil(() => site.gateway.uplink.status()?.state !== 'linked', 'the uplink is down');

    const mart = await openPanel(browser, site.gateway.url);
    await logIn(mart, 'mart');
    await mart.page.getByTestId('site-mode').waitFor();
    await waitForText(mart.page.locator('.who'), 'Mart Kask');
    await waitForAttribute(mart.page.locator('[data-testid="telephony-badge"] [data-phase]'), 'data-phase', 'live');
    await readyToWork(mart);

    const { callId } = await takeCall(mart, site, '1002');
    await mart.page.screenshot({ path: process.env.CALLGATE_SCREENSHOT ?? '/tmp/callgate-site-mode.png' });
    await mart.page.keyboard.press('x'); // hang up

    const form = mart.page.locator(`[data-testid="wrap-up-form"][data-call-id="${callId}"]`);
    await form.waitFor();
    await form.getByLabel('Call back').check();
    await form.locator('textarea[name="notes"]').fill('Ring back after the outage.');
    await form.locator('textarea[name="notes"]').press('Control+Enter');
    await form.waitFor({ state: 'detached' });
    await waitUntil(() => site.gateway.uplink.dispositions.depth() === 1, 'the disposition is kept at the site');
    // The browser logs each CRM request the gateway answers 503 (contact card, history); nothing else.
    assert.deepEqual(
      mart.errors.filter((e) => !/status of 503/.test(e)),
      [],
    );

    site.healWan();
    const stored = await hubCall(center, `tallinn:${callId}`, (c) => c.disposition !== null, 30_000);
    assert.equal(stored.disposition?.code, 'callback');
    assert.equal(stored.disposition?.notes, 'Ring back after the outage.');
    assert.equal(stored.disposition?.savedBy, 'mart');
    assert.equal(stored.record.customerNumber, '+79990000001');
    await waitUntil(() => site.gateway.uplink.dispositions.depth() === 0, 'the site forgot it once the hub had it');
    await mart.context.close();
  });
});
