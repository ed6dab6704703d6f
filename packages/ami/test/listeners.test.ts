import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Listeners } from '../src/index.js';

describe('Listeners', () => {
  it('isolates a throwing listener: the others still run and the error is reported, never thrown', () => {
    const reported: unknown[] = [];
    const l = new Listeners<{ tick: (n: number) => void }>((e) => reported.push(e));
    const seen: number[] = [];
    l.on('tick', () => {
      throw new Error('bug');
    });
    const off = l.on('tick', (n) => seen.push(n));
    l.emit('tick', 1);
    off();
    l.emit('tick', 2);
    assert.deepEqual(seen, [1]);
    assert.equal(reported.length, 2);
    assert.equal(l.count('tick'), 1);
  });
});
