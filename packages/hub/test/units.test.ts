// Unit tests of the pure modules: passwords, login limits, key schedule, record ranking, phone
// numbers, webhook signatures, pagination cursors.
import assert from 'node:assert/strict';
import { scrypt } from 'node:crypto';
import { describe, it } from 'node:test';
import { siteCredentialVerifiersValidator } from '@callgate/contracts';
import { LoginLimiter } from '../src/accounts/login-limiter.js';
import { scryptHasher } from '@callgate/contracts/passwords';
import { outranks, rankOf } from '../src/calls/record-rank.js';
import { toE164 } from '../src/contacts/phone-numbers.js';
import { decodeCursor, encodeCursor } from '../src/pagination.js';
import { newSiteCredential, parseSiteCredential, secretMatches } from '../src/sites/site-credential.js';
import { currentKey, keyStates, rotationDue, CLOCK_SKEW_MS } from '../src/tokens/key-schedule.js';
import { signWebhook, verifyWebhookSignature } from '../src/webhooks/webhook-signature.js';
import { backoffAfter } from '../src/webhooks/webhook-dispatcher.js';
import { makeRecord } from './support/records.js';

describe('passwords', () => {
  const hasher = scryptHasher({ log2N: 10, r: 8, p: 1 });

  it('verifies the right password and refuses a wrong one, with a fresh salt each time', async () => {
    const a = await hasher.hash('пароль с пробелами');
    const b = await hasher.hash('пароль с пробелами');
    assert.notEqual(a, b);
    assert.equal(await hasher.verify('пароль с пробелами', a), true);
    assert.equal(await hasher.verify('пароль с пробеламИ', a), false);
  });

  it('writes a verifier a gateway can check with plain node:crypto scrypt', async () => {
    const stored = await hasher.hash('site-only login');
    const m = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/.exec(stored);
    assert.ok(m);
    const key = await new Promise<Buffer>((resolve, reject) =>
      scrypt(
        'site-only login',
        Buffer.from(m[4] as string, 'base64'),
        32,
        { N: 2 ** Number(m[1]), r: Number(m[2]), p: Number(m[3]) },
        (e, k) => (e ? reject(e) : resolve(k)),
      ),
    );
    assert.equal(key.toString('base64'), m[5]);
    const verifiers = {
      site: 's',
      generatedAt: new Date().toISOString(),
      users: [
        {
          userId: 'u',
          name: 'U',
          role: 'operator',
          site: 's',
          extension: '1',
          verifier: stored,
          passwordChangedAt: new Date().toISOString(),
        },
      ],
    };
    assert.ok(siteCredentialVerifiersValidator.check(verifiers));
  });

  it('refuses malformed hashes and hashes whose cost could exhaust memory', async () => {
    assert.equal(await hasher.verify('x', 'plain'), false);
    assert.equal(await hasher.verify('x', '$scrypt$ln=30,r=8,p=1$AAAA$AAAA'), false);
  });

  it('uses the production cost N=2^15, r=8, p=1 by default', async () => {
    assert.match(await scryptHasher().hash('x'), /^\$scrypt\$ln=15,r=8,p=1\$/);
  });
});

describe('login limits', () => {
  it('blocks an account after its failures, for whatever address, until the window passes', () => {
    let now = 0;
    const limiter = new LoginLimiter(
      { maxFailuresPerAccount: 3, maxFailuresPerAddress: 100, windowMs: 60_000 },
      () => now,
    );
    for (let i = 0; i < 3; i++) limiter.recordFailure('Anna', `10.0.0.${i}`);
    const blocked = limiter.check('anna', '10.9.9.9');
    assert.equal(blocked.allowed, false);
    assert.equal(blocked.allowed === false && blocked.by, 'account');
    now = 60_001;
    assert.equal(limiter.check('anna', '10.9.9.9').allowed, true);
  });

  it('blocks an address guessing many accounts, and a success does not reset the address', () => {
    let now = 0;
    const limiter = new LoginLimiter(
      { maxFailuresPerAccount: 100, maxFailuresPerAddress: 5, windowMs: 60_000 },
      () => now,
    );
    for (let i = 0; i < 5; i++) limiter.recordFailure(`user${i}`, '192.0.2.1');
    limiter.recordSuccess('user0');
    const d = limiter.check('someone-else', '192.0.2.1');
    assert.equal(d.allowed, false);
    assert.equal(d.allowed === false && d.retryAfterMs, 60_000);
    now = 1;
    assert.equal(limiter.check('someone-else', '192.0.2.2').allowed, true);
  });
});

describe('signing key schedule', () => {
  const ttl = 900_000;
  const k = (kid: string, activatesAt: number, revokedAt: number | null = null) => ({
    kid,
    createdAt: activatesAt,
    activatesAt,
    revokedAt,
  });

  it('signs with the newest active key, publishes the upcoming one, and keeps the previous until its tokens expire', () => {
    const keys = [k('a', 0), k('b', 1_000_000), k('c', 5_000_000)];
    const at = (now: number) =>
      Object.fromEntries(
        [...keyStates(keys, now, ttl)].map(([kid, s]) => [kid, `${s.state}${s.published ? '+' : ''}`]),
      );
    assert.deepEqual(at(500_000), { a: 'current+', b: 'upcoming+', c: 'upcoming+' });
    assert.deepEqual(at(1_000_000), { a: 'previous+', b: 'current+', c: 'upcoming+' });
    assert.deepEqual(at(1_000_000 + ttl + CLOCK_SKEW_MS), { a: 'expired', b: 'current+', c: 'upcoming+' });
    assert.equal(currentKey(keys, 999_999)?.kid, 'a');
  });

  it('never publishes or signs with a revoked key', () => {
    const keys = [k('a', 0), k('b', 10, 20)];
    assert.equal(currentKey(keys, 30)?.kid, 'a');
    assert.equal(keyStates(keys, 30, ttl).get('b')?.published, false);
  });

  it('prepares the next key one pre-publication period before the current one is due', () => {
    const day = 86_400_000;
    const keys = [k('a', 0)];
    assert.equal(rotationDue(keys, 28 * day, 30 * day, day), false);
    assert.equal(rotationDue(keys, 29 * day, 30 * day, day), true);
    assert.equal(rotationDue([...keys, k('b', 30 * day)], 29 * day, 30 * day, day), false, 'one is already waiting');
    assert.equal(rotationDue([], 0, 30 * day, day), true);
  });
});

describe('record versions', () => {
  it('ranks complete over incomplete, then later end, then more detail', () => {
    const base = makeRecord();
    const incomplete = rankOf({ ...base, incomplete: true, endedAt: '2026-11-27T09:00:00.000Z' });
    const complete = rankOf(base);
    const longer = rankOf({ ...base, endedAt: '2026-11-27T08:04:00.000Z' });
    const richer = rankOf({ ...base, offers: [...base.offers, ...base.offers] });
    assert.ok(outranks(complete, incomplete) && !outranks(incomplete, complete));
    assert.ok(outranks(longer, complete) && !outranks(complete, longer));
    assert.ok(outranks(richer, complete));
    assert.ok(!outranks(complete, complete), 'the same version is a duplicate');
  });
});

describe('phone numbers', () => {
  it('normalises local, international and Asterisk-style numbers to E.164', () => {
    assert.equal(toE164('5123 4567', 'EE'), '+37251234567');
    assert.equal(toE164('8 (916) 123-45-67', 'RU'), '+79161234567');
    assert.equal(toE164('79161234567', 'EE'), '+79161234567', 'digits with a country code but no +');
    assert.equal(toE164('00372 5123 4567', 'EE'), '+37251234567');
    assert.equal(toE164('+1 202 555 0143'), '+12025550143');
  });

  it('refuses what cannot be a phone number', () => {
    for (const bad of ['', '12', 'abc', '5123 4567', "1'; DROP TABLE contacts; --", '+'.padEnd(50, '1')]) {
      assert.equal(toE164(bad), undefined, bad);
    }
  });
});

describe('webhook signatures', () => {
  const body = '{"id":"e1","type":"call.completed"}';
  it('verifies a signature made with the secret over the raw body and timestamp', () => {
    const header = signWebhook('whsec_x', body, 1_800_000_000);
    assert.deepEqual(verifyWebhookSignature('whsec_x', header, body, 1_800_000_100), { ok: true });
  });
  it('refuses another secret, a changed body, a stale timestamp and garbage', () => {
    const header = signWebhook('whsec_x', body, 1_800_000_000);
    assert.deepEqual(verifyWebhookSignature('whsec_y', header, body, 1_800_000_000), { ok: false, reason: 'mismatch' });
    assert.deepEqual(verifyWebhookSignature('whsec_x', header, `${body} `, 1_800_000_000), {
      ok: false,
      reason: 'mismatch',
    });
    assert.deepEqual(verifyWebhookSignature('whsec_x', header, body, 1_800_000_301), { ok: false, reason: 'stale' });
    assert.deepEqual(verifyWebhookSignature('whsec_x', 'v1=zz', body, 1_800_000_000), {
      ok: false,
      reason: 'malformed',
    });
    assert.deepEqual(verifyWebhookSignature('whsec_x', undefined, body, 1_800_000_000), {
      ok: false,
      reason: 'malformed',
    });
  });
  it('waits by the backoff list, repeating its last step', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 9].map((n) => backoffAfter(n, [10, 30, 60])),
      [10, 30, 60, 60, 60],
    );
  });
});

describe('site credentials and cursors', () => {
  it('parses a credential back to its site and checks its secret against the stored hash only', () => {
    const { credential, hash } = newSiteCredential('tallinn.main');
    const parsed = parseSiteCredential(credential);
    assert.equal(parsed?.site, 'tallinn.main');
    assert.ok(parsed && secretMatches(parsed.secret, hash));
    assert.equal(secretMatches('x'.repeat(43), hash), false);
    for (const bad of [
      '',
      'cgs1.',
      'cgs1.tallinn',
      'xx.tallinn.' + 'a'.repeat(43),
      'cgs1.tal linn.' + 'a'.repeat(43),
    ]) {
      assert.equal(parseSiteCredential(bad), undefined, bad);
    }
  });
  it('round-trips a cursor and refuses a forged one', () => {
    assert.deepEqual(decodeCursor(encodeCursor([5, 'x']), ['number', 'string']), [5, 'x']);
    assert.throws(() => decodeCursor(encodeCursor(['5', 'x']), ['number', 'string']), /cursor/);
    assert.throws(() => decodeCursor('%%%', ['number']), /cursor/);
  });
});
