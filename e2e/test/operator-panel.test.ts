/**
 * The operator panel in real Chromium against a real hub, real gateways and pbx-sim: what an
 * operator does in a shift, and what must survive reloads, second tabs and gateway restarts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { answerWhenRinging, hubCall, startCallCenter, waitUntil, type CallCenter } from '../support/call-center.js';
import {
  launchBrowser,
  logIn,
  openPanel,
  readyToWork,
  takeCall,
  waitForAttribute,
  waitForText,
  type PanelPage,
} from '../support/browser.js';
import { CONTACTS, MOSCOW, SUPERVISORS, TALLINN } from '../support/staff.js';

async function liveLink(panel: PanelPage): Promise<void> {
  await waitForAttribute(panel.page.locator('[data-testid="telephony-badge"] [data-phase]'), 'data-phase', 'live');
}

describe('operator panel in a browser', () => {
  let center: CallCenter;
  let browser: Browser;
  let anna: PanelPage;

  before(async () => {
    center = await startCallCenter({ sites: [MOSCOW, TALLINN], supervisors: SUPERVISORS, contacts: CONTACTS });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await center?.stop();
  });

  it('logs in, starts work, pops up an incoming call with the right contact, and saves the disposition to the hub', async () => {
    anna = await openPanel(browser, center.url);
    await logIn(anna, 'anna');
    await liveLink(anna);
    await waitForText(anna.page.locator('.who'), 'Anna Ivanova');
    await readyToWork(anna);

    const sim = center.site('moscow').sim.control;
    sim.customerCalls({ from: '+79990000001', line: '74950000000' });
    const popup = anna.page.getByTestId('incoming-popup');
    await popup.waitFor();
    await waitForText(popup.getByTestId('caller-number'), '+79990000001');
    await waitForText(popup.getByTestId('contact-name'), 'Maria Kuznetsova');
    await waitForText(popup.getByTestId('line-label'), 'Customer service');
    assert.doesNotMatch(await popup.innerText(), /support/i, 'the pop-up never names the queue');
    assert.match(await anna.page.title(), /Incoming call/, 'the tab title says it rings');
    const callId = await popup.getAttribute('data-call-id');
    assert.ok(callId);

    await answerWhenRinging(center.site('moscow').sim, '1001');
    const panel = anna.page.locator(`[data-testid="call-panel"][data-call-id="${callId}"]`);
    await waitForAttribute(panel, 'data-state', 'talking');
    await popup.waitFor({ state: 'detached' });

    // Hold from the browser: Moscow asks the phone to hold (hold.method phone-notify) and the
    // simulated phone obeys, as a desk phone with remote control allowed does.
    await anna.page.locator(`#hold-${callId}`).click();
    await waitForAttribute(panel, 'data-state', 'on-hold');
    await waitForText(panel.getByTestId('call-timer'), 'on hold');
    await anna.page.keyboard.press('h'); // resume
    await waitForAttribute(panel, 'data-state', 'talking');
    // A phone that ignores remote hold: the button says why it failed instead of pretending.
    sim.phone('1001').setBehaviour({ remoteHold: false });
    await anna.page.locator(`#hold-${callId}`).click();
    await waitForAttribute(anna.page.locator(`#hold-${callId}`), 'data-state', 'failed');
    await waitForText(panel.locator('[role="alert"]'), 'hold key on your phone');
    assert.equal(await panel.getAttribute('data-state'), 'talking');
    sim.phone('1001').setBehaviour({ remoteHold: true });
    // Hold and resume on the phone's key: the panel follows.
    sim.phone('1001').hold();
    await waitForAttribute(panel, 'data-state', 'on-hold');
    sim.phone('1001').unhold();
    await waitForAttribute(panel, 'data-state', 'talking');

    await anna.page.keyboard.press('x'); // hang up
    const form = anna.page.locator(`[data-testid="wrap-up-form"][data-call-id="${callId}"]`);
    await form.waitFor();
    await form.getByLabel('Resolved').check();
    await form.locator('textarea[name="notes"]').fill('Asked about the delivery date.');
    await form.locator('textarea[name="notes"]').press('Control+Enter');
    await form.waitFor({ state: 'detached' });

    const stored = await hubCall(center, `moscow:${callId}`, (c) => c.disposition !== null);
    assert.equal(stored.disposition?.code, 'resolved');
    assert.equal(stored.disposition?.notes, 'Asked about the delivery date.');
    assert.equal(stored.disposition?.savedBy, 'anna');
    assert.equal(stored.record.customerNumber, '+79990000001');
    assert.ok(stored.record.segments.some((s) => s.operatorId === 'anna'));
    // ... and the call is in the operator's own history with it.
    await waitForText(anna.page.locator(`[data-record-id="moscow:${callId}"]`), 'Resolved');
  });

  it('click-to-call from a contact card shows answered, busy and no answer as such', async () => {
    await readyToWork(anna);
    const call = async (name: string): Promise<void> => {
      await anna.page.keyboard.press('/');
      const search = anna.page.locator('#contact-search-input');
      await search.fill(name);
      await search.press('Enter');
      const card = anna.page.locator('.contact-results .contact', { hasText: name });
      await card.getByRole('button', { name: 'Call' }).click();
    };
    const lastOutcome = anna.page.getByTestId('last-call');

    await call('Maria Kuznetsova');
    const talking = anna.page.locator('[data-testid="call-panel"][data-state="talking"]');
    await talking.waitFor({ timeout: 15_000 });
    await waitForText(talking.getByTestId('call-number'), '+79990000001');
    await anna.page.keyboard.press('x');
    await waitForAttribute(lastOutcome, 'data-outcome', 'completed');
    await anna.page.getByRole('button', { name: 'Skip' }).click();

    await call('Busy Bee');
    await waitForAttribute(lastOutcome, 'data-outcome', 'busy');
    await waitForText(lastOutcome, 'busy');

    await call('Nobody Home');
    await anna.page.locator('[data-testid="call-panel"][data-call-id]').waitFor();
    await waitForAttribute(lastOutcome, 'data-outcome', 'no-answer', 20_000);
    await waitForText(lastOutcome, 'no answer');
  });

  it('an unknown caller can be saved as a contact from the pop-up, and a declined call is missed', async () => {
    await readyToWork(anna);
    const customer = center.site('moscow').sim.control.customerCalls({ from: '+79990000066', line: '74950000000' });
    const popup = anna.page.getByTestId('incoming-popup');
    await waitForAttribute(popup.getByTestId('contact-card'), 'data-phase', 'unknown');
    await waitForText(popup.getByTestId('contact-card'), 'Unknown number');
    await popup.getByRole('button', { name: 'Create contact' }).click();
    await popup.getByLabel('Name').fill('Oleg Smirnov');
    await popup.getByLabel('Company').fill('Northwind');
    await popup.getByRole('button', { name: 'Save contact' }).click();
    await waitForText(popup.getByTestId('contact-name'), 'Oleg Smirnov');
    const found = await center.hub.core.contacts.lookup('+79990000066', 'RU');
    assert.deepEqual(
      found.contacts.map((c) => [c.name, c.company]),
      [['Oleg Smirnov', 'Northwind']],
    );
    await popup.getByRole('button', { name: 'Decline' }).click();
    await popup.waitFor({ state: 'detached' });
    await waitForAttribute(anna.page.getByTestId('last-call'), 'data-outcome', 'missed');
    // The caller is still in the queue (Asterisk offers the call again); they give up.
    customer.hangup();
    await waitUntil(() => !customer.active, 'the caller is gone');
  });

  it('a blind transfer to a colleague ends the call for the operator and rings the colleague', async () => {
    await readyToWork(anna);
    const sim = center.site('moscow').sim.control;
    await takeCall(anna, center.site('moscow'), '1001');
    await anna.page.keyboard.press('t');
    await anna.page.locator('#transfer-input').selectOption('boris');
    await anna.page.getByRole('button', { name: 'Transfer now' }).click();
    await waitForAttribute(anna.page.getByTestId('last-call'), 'data-outcome', 'transferred');
    await answerWhenRinging(center.site('moscow').sim, '1002'); // Boris's phone rings
    sim.phone('1002').hangup();
    await anna.page.getByRole('button', { name: 'Skip' }).click();
  });

  it('an attended transfer: the operator talks to the colleague first, then hands the customer over', async () => {
    await readyToWork(anna);
    const site = center.site('moscow');
    const { callId } = await takeCall(anna, site, '1001');
    await anna.page.keyboard.press('t');
    await anna.page.locator('#transfer-input').selectOption('boris');
    await anna.page.getByRole('button', { name: 'Talk first' }).click();
    await answerWhenRinging(site.sim, '1002');
    // The customer waits on hold while Anna and Boris talk.
    const customer = anna.page.locator(`[data-testid="call-panel"][data-call-id="${callId}"]`);
    await waitForText(customer, 'The customer is on hold while you talk to your colleague.');
    await anna.page.getByRole('button', { name: 'Complete transfer' }).click();
    await waitForAttribute(anna.page.getByTestId('call-panel'), 'data-state', 'idle');
    await waitForAttribute(anna.page.getByTestId('last-call'), 'data-outcome', 'transferred');
    site.sim.control.phone('1002').hangup();
    await anna.page.getByRole('button', { name: 'Skip' }).click();
  });

  it('checks a typed number before sending anything', async () => {
    await anna.page.locator('#dial-input').fill('+7 999 CALL-ME');
    await anna.page.locator('#dial-input').press('Enter');
    await waitForText(anna.page.getByTestId('dial-problem'), 'only digits');
    assert.equal(await anna.page.locator('#dial-input').getAttribute('aria-invalid'), 'true');
  });

  it('where the site holds with the phone key only, the call says so instead of offering a hold button', async () => {
    const kati = await openPanel(browser, center.url);
    try {
      await logIn(kati, 'kati');
      await liveLink(kati);
      await readyToWork(kati);
      const tallinn = center.site('tallinn').sim.control;
      const { callPanel: panel, customer } = await takeCall(kati, center.site('tallinn'), '1001');
      await waitForText(panel.getByTestId('hold-on-phone'), 'hold key on your phone');
      assert.equal(await panel.locator('[id^="hold-"]').count(), 0, 'no hold button that could only fail');
      tallinn.phone('1001').hold();
      await waitForAttribute(panel, 'data-state', 'on-hold');
      tallinn.phone('1001').unhold();
      await waitForAttribute(panel, 'data-state', 'talking');
      customer.hangup();
      await waitForAttribute(kati.page.getByTestId('last-call'), 'data-outcome', 'completed');
    } finally {
      await kati.context.close();
    }
  });

  it('a reload mid-call shows the call as it is, and a second tab sees and controls the same call', async () => {
    await readyToWork(anna);
    const site = center.site('moscow');
    const { callId } = await takeCall(anna, site, '1001');

    await anna.page.reload();
    await liveLink(anna);
    await waitForAttribute(anna.page.getByTestId('call-panel'), 'data-call-id', callId);
    await waitForAttribute(anna.page.getByTestId('call-panel'), 'data-state', 'talking');
    await waitForText(anna.page.getByTestId('contact-name'), 'Maria Kuznetsova');

    const tab2 = await openPanel(browser, center.url, { context: anna.context });
    await liveLink(tab2);
    await waitForAttribute(tab2.page.getByTestId('call-panel'), 'data-call-id', callId);
    await waitForAttribute(tab2.page.getByTestId('call-panel'), 'data-state', 'talking');

    // One tab hangs up; both see it end, and both offer the same after-call form.
    await tab2.page.locator(`#hangup-${callId}`).click();
    for (const tab of [anna, tab2]) {
      await waitForAttribute(tab.page.getByTestId('call-panel'), 'data-state', 'idle');
      await tab.page.locator(`[data-testid="wrap-up-form"][data-call-id="${callId}"]`).waitFor();
    }
    // Skipped in one tab, gone in the other at its next look at the shared storage.
    await tab2.page
      .locator(`[data-testid="wrap-up-form"][data-call-id="${callId}"]`)
      .getByRole('button', { name: 'Skip' })
      .click();
    await anna.page.locator(`[data-testid="wrap-up-form"][data-call-id="${callId}"]`).waitFor({ state: 'detached' });
    await tab2.page.close();
    assert.deepEqual([...anna.errors, ...tab2.errors], []);
  });

  it('a gateway restart mid-call shows reconnecting, then live again with the call', async () => {
    await readyToWork(anna);
    const site = center.site('moscow');
    const { callId, customer } = await takeCall(anna, site, '1001');

    await site.stopGateway();
    await waitForAttribute(
      anna.page.locator('[data-testid="telephony-badge"] [data-phase]'),
      'data-phase',
      'reconnecting',
    );
    // The call goes on on the SIP phone meanwhile, and the screen keeps showing it.
    await waitForAttribute(anna.page.getByTestId('call-panel'), 'data-call-id', callId);
    await waitForAttribute(anna.page.getByTestId('call-panel'), 'data-state', 'talking');
    await site.startGateway();
    await liveLink(anna);
    // The new gateway process knows the call only from Asterisk's CoreShowChannels; the panel
    // shows the call it reports, under the same id.
    await waitForAttribute(anna.page.getByTestId('call-panel'), 'data-call-id', callId);
    assert.notEqual(await anna.page.getByTestId('call-panel').getAttribute('data-state'), 'idle');
    customer.hangup();
  });

  it("never receives a queue name, a channel, or another operator's call", async () => {
    const site = center.site('moscow');
    // Vera works the sales line; a customer calls it while Anna is logged in.
    site.sim.control.addMember('sales', 'PJSIP/1003', 'Vera Sidorova');
    site.sim.control.customerCalls({ from: '+79990000077', line: '74950000001' });
    let veraCall: string | undefined;
    await waitUntil(() => {
      veraCall = site.gateway.telephony.snapshot().calls.find((c) => c.customerNumber === '+79990000077')?.callId;
      return (
        veraCall !== undefined && site.gateway.telephony.snapshot().calls.some((c) => c.operatorIds.includes('vera'))
      );
    }, "Vera's phone rings");
    await answerWhenRinging(site.sim, '1003');
    await waitUntil(
      () => site.gateway.telephony.snapshot().calls.some((c) => c.callId === veraCall && c.state === 'talking'),
      'Vera talks',
    );
    site.sim.control.phone('1003').hangup();
    await waitUntil(() => !site.gateway.telephony.snapshot().calls.some((c) => c.callId === veraCall), 'the call ends');
    assert.ok(veraCall);

    const gatewayFrames = anna.frames.filter((f) => f.url.endsWith('/operator'));
    assert.ok(gatewayFrames.length > 20, 'the page took part in every scenario above');
    const seen = gatewayFrames
      .map((f) => {
        const messages = JSON.parse(f.payload) as Record<string, unknown>[];
        // The site directory (colleagues' names and extensions, for transfers) is the one
        // designed exception: strip it, then nothing about anyone else may remain.
        return JSON.stringify(messages.map((m) => (m.type === 'welcome' ? { ...m, colleagues: [] } : m)));
      })
      .join('\n');
    for (const forbidden of [
      '"support"',
      '"sales"',
      'queue',
      'PJSIP/',
      'Local/',
      'vera',
      'boris',
      '+79990000077',
      veraCall,
    ]) {
      assert.ok(!seen.includes(forbidden), `a frame to Anna's page held ${forbidden}`);
    }
  });

  it('speaks Russian when the browser does, and switches language on the spot', async () => {
    const ru = await openPanel(browser, center.url, { locale: 'ru-RU' });
    await waitForText(ru.page.locator('h1'), 'Вход');
    await ru.page.getByRole('button', { name: 'EN' }).click();
    await waitForText(ru.page.locator('h1'), 'Log in');
    await ru.context.close();
  });
});
