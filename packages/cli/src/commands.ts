/**
 * Every `callgate` role, in the order `callgate --help` lists them. A role is added here once
 * it works; there are no placeholders.
 */
import type { Command } from './command.js';
import { amiCommand } from './commands/ami.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { gatewayCommand } from './commands/gateway.js';
import { hubCommand } from './commands/hub.js';
import { adminCommand } from './commands/admin.js';
import { replayCommand } from './commands/replay.js';
import { simCommand } from './commands/sim.js';

export const commands: readonly Command[] = [
  demoCommand,
  hubCommand,
  adminCommand,
  gatewayCommand,
  doctorCommand,
  amiCommand,
  replayCommand,
  simCommand,
];
