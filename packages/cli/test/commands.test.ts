import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commands } from '../src/commands.js';

describe('the callgate command list', () => {
  it('lists each role with the summary its own module declares', async () => {
    for (const entry of commands) {
      const command = await entry.load();
      assert.equal(command.name, entry.name);
      assert.equal(command.summary, entry.summary, entry.name);
    }
  });
});
