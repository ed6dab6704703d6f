/**
 * Every `callgate` role, in the order `callgate --help` lists them. A role is added here once
 * it works; there are no placeholders.
 *
 * Commands are loaded only when used: importing every role up front (hub, gateway, panel build)
 * made `callgate ami decode` take seconds to start. A test checks that each entry's summary is
 * the one its module declares.
 */
import type { Command } from './command.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'demo',
    summary: 'run everything on this machine with simulated sites and callers (npm start)',
    load: async () => (await import('./commands/demo.js')).demoCommand,
  },
  {
    name: 'hub',
    summary: 'run the central hub (API, login, CRM data, records, live view, webhooks)',
    load: async () => (await import('./commands/hub.js')).hubCommand,
  },
  {
    name: 'admin',
    summary: "the hub's admin operations: sites, site credentials, users, queues, contacts, keys",
    load: async () => (await import('./commands/admin.js')).adminCommand,
  },
  {
    name: 'gateway',
    summary: 'run a site gateway next to an Asterisk',
    load: async () => (await import('./commands/gateway.js')).gatewayCommand,
  },
  {
    name: 'doctor',
    summary: "check a site's Asterisk and hub against what the gateway needs",
    load: async () => (await import('./commands/doctor.js')).doctorCommand,
  },
  {
    name: 'ami',
    summary: 'record a live AMI session to a trace file, or decode a trace',
    load: async () => (await import('./commands/ami.js')).amiCommand,
  },
  {
    name: 'replay',
    summary: 'run the call engine over a recorded AMI trace and print the call records',
    load: async () => (await import('./commands/replay.js')).replayCommand,
  },
  {
    name: 'sim',
    summary: 'run simulated Asterisk sites (AMI, scripted calls, load), or check them against recordings',
    load: async () => (await import('./commands/sim.js')).simCommand,
  },
];
