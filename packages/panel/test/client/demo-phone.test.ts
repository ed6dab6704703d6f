import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { DemoPhone, mayHaveDemoPhone } from '../../src/client/demo-phone.js';

describe('demo phone strip', () => {
  const seen: { method: string; url: string; auth: string | undefined }[] = [];
  let server: http.Server;
  let base = '';
  before(async () => {
    // What `callgate demo` mounts on its gateways: 200 for the token holder's phone, 404 elsewhere.
    server = http.createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
      const ok = req.headers.authorization === 'Bearer jwt' && (req.url ?? '').startsWith('/demo/phone');
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is only looked for when the page was opened for the demo', () => {
    assert.equal(mayHaveDemoPhone('?demo-phone'), true);
    assert.equal(mayHaveDemoPhone('?x=1&demo-phone='), true);
    assert.equal(mayHaveDemoPhone(''), false);
  });

  it("drives the operator's simulated phone with the operator's own token", async () => {
    const phone = new DemoPhone(`${base}/`);
    assert.equal(await phone.available('jwt'), true);
    assert.equal(await phone.available('someone-else'), false);
    assert.equal(await phone.act('answer', 'jwt'), true);
    assert.deepEqual(seen.at(-1), { method: 'POST', url: '/demo/phone/answer', auth: 'Bearer jwt' });
    assert.equal(await new DemoPhone('http://127.0.0.1:1').available('jwt'), false, 'no gateway: no strip');
  });
});
