/**
 * The simulated dialplan as `ShowDialPlan` lists it: the lab's extensions.conf
 * (fixtures/ami/asterisk-22.10.1/config/extensions.conf) generalised to the configured world,
 * the same contexts ./dialplan.ts runs. Pure: the AMI action formats these entries.
 *
 * The lab writes `_100X` and `_7XXXXXXXXXX`; the simulator has one extension per phone and takes
 * any 5–15 digit external number, shown as the pattern `_XXXXX.`.
 */
import type { World } from '../model/world.js';

export interface DialplanPriority {
  context: string;
  extension: string;
  priority: number;
  application: string;
  appData: string;
}

/** `pbx_config`: every extension comes from extensions.conf. */
export const REGISTRAR = 'pbx_config';

/** The pattern standing for "an external number" (5–15 digits). */
export const EXTERNAL_PATTERN = '_XXXXX.';

/** Contexts in the order `dialplan show` prints the lab's: as extensions.conf defines them. */
export function dialplanContexts(world: World): string[] {
  const c = world.config.contexts;
  return [...new Set([c.inbound, c.internal, c.outbound])];
}

export function dialplanOf(world: World, context: string): DialplanPriority[] | undefined {
  const c = world.config.contexts;
  const tech = world.flavour.tech;
  const out: DialplanPriority[] = [];
  const add = (extension: string, steps: Array<[string, string]>): void => {
    steps.forEach(([application, appData], i) =>
      out.push({ context, extension, priority: i + 1, application, appData }),
    );
  };
  if (context === c.inbound) {
    for (const line of world.config.lines) {
      if (line.extension !== undefined) {
        add(line.number, [
          ['NoOp', `Direct call to ${line.extension} from \${CALLERID(all)}`],
          ['Dial', `${tech}/${line.extension},${world.config.internalDialTimeoutSeconds},tT`],
          ['Hangup', ''],
        ]);
        continue;
      }
      add(line.number, [
        ['NoOp', `Inbound call to ${line.queue} from \${CALLERID(all)}`],
        ['Answer', ''],
        ['Queue', `${line.queue},tT`],
        ['Hangup', ''],
      ]);
    }
  }
  if (context === c.internal) {
    for (const ext of world.phones.keys()) {
      add(ext, [
        ['NoOp', 'Internal call to ${EXTEN}'],
        ['Dial', `${tech}/\${EXTEN},${world.config.internalDialTimeoutSeconds},tT`],
        ['Hangup', ''],
      ]);
    }
    add(EXTERNAL_PATTERN, [['Goto', `${c.outbound},\${EXTEN},1`]]);
  }
  if (context === c.outbound) {
    add(EXTERNAL_PATTERN, [
      ['NoOp', 'Click-to-call to ${EXTEN} CRM_CALL_ID=${CRM_CALL_ID}'],
      ['Dial', `${tech}/\${EXTEN}@${world.config.trunk.name},${world.config.outboundDialTimeoutSeconds},tT`],
      ['Hangup', ''],
    ]);
  }
  return dialplanContexts(world).includes(context) ? out : undefined;
}

/** Whether an extension name (`1001`, `_XXXXX.`) matches a dialled number, as pbx.c matches. */
export function extensionMatches(name: string, exten: string): boolean {
  if (!name.startsWith('_')) return name === exten;
  let re = '^';
  for (const ch of name.slice(1)) {
    if (ch === 'X') re += '[0-9]';
    else if (ch === 'Z') re += '[1-9]';
    else if (ch === 'N') re += '[2-9]';
    else if (ch === '.') re += '.+';
    else if (ch === '!') re += '.*';
    else re += ch.replace(/[\\^$*+?()|{}[\]]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(exten);
}
