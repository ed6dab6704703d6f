/**
 * The configuration files of the simulated Asterisk, as far as `ListCategories` shows them:
 * their section names, derived from the world and the AMI users the way the lab's files
 * (fixtures/ami/asterisk-22.10.1/config) are laid out. Any other file does not exist.
 */
import type { AmiUser } from '../ami/ami-users.js';
import type { WorldConfig } from './world-config.js';

export function configCategories(file: string, world: WorldConfig, users: readonly AmiUser[]): string[] | undefined {
  switch (file) {
    case 'manager.conf':
      return ['general', ...users.map((u) => u.username)];
    case 'extensions.conf':
      return ['general', 'globals', ...new Set(Object.values(world.contexts))];
    case 'queues.conf':
      return ['general', ...world.queues.map((q) => q.name)];
    case 'features.conf':
      return ['general', 'featuremap'];
    default:
      return undefined;
  }
}
