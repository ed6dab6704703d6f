/**
 * A simulated site as the configuration file describes it (contracts `SimSiteConfig`) → the
 * world model's `WorldConfig`: operators numbered from `firstExtension`, every operator in
 * the listed queues, lines (each to a queue or to one operator's extension), trunk numbers.
 */
import type { SimNumberBehaviour, SimSiteConfig } from '@callgate/contracts';
import { mean } from '../load/distributions.js';
import {
  labWorld,
  numberBehaviour,
  phoneBehaviour,
  type NumberBehaviour,
  type WorldConfig,
} from '../model/world-config.js';

function toNumberBehaviour(b: SimNumberBehaviour): NumberBehaviour {
  return numberBehaviour({
    mode: b.mode,
    answerAfterMs: b.answerAfterSeconds * 1000,
    hangupAfterMs: b.hangupAfterSeconds === undefined ? undefined : b.hangupAfterSeconds * 1000,
  });
}

export function worldFromSite(site: SimSiteConfig): WorldConfig {
  if (site.lab) return labWorld(site.flavour);
  const world = labWorld(site.flavour);
  const tech = site.flavour === 'asterisk-22' ? 'PJSIP' : 'SIP';
  const ops = site.operators;
  const first = Number(ops.firstExtension);
  const width = ops.firstExtension.length;
  const answerMs = ops.answerAfterSeconds ? mean(ops.answerAfterSeconds) * 1000 : 2000;
  world.phones = [];
  for (let i = 0; i < ops.count; i++) {
    const extension = String(first + i).padStart(width, '0');
    world.phones.push({
      extension,
      name: `${ops.namePrefix}${extension}`.trim(),
      registered: ops.registered,
      behaviour: phoneBehaviour({
        mode: ops.mode,
        answerAfterMs: answerMs,
        autoAnswer: ops.autoAnswer,
        remoteHold: ops.remoteHold,
      }),
    });
  }
  world.queues = site.queues.map((q) => ({
    name: q.name,
    strategy: q.strategy,
    timeoutSeconds: q.timeoutSeconds,
    retrySeconds: q.retrySeconds,
    ringInUse: q.ringInUse,
    wrapupSeconds: q.wrapupSeconds,
    serviceLevelSeconds: q.serviceLevelSeconds,
    members: ops.queues.includes(q.name)
      ? world.phones.map((p) => ({ interface: `${tech}/${p.extension}`, name: p.name, penalty: 0 }))
      : [],
  }));
  // parseSimConfig checked that each line names exactly one of queue and extension.
  world.lines = site.lines.map((l) =>
    l.extension !== undefined
      ? { number: l.number, extension: l.extension }
      : { number: l.number, queue: l.queue ?? '' },
  );
  world.trunk = {
    name: site.trunk.name,
    defaultNumber: site.trunk.defaultNumber ? toNumberBehaviour(site.trunk.defaultNumber) : numberBehaviour(),
    numbers: Object.fromEntries(Object.entries(site.trunk.numbers).map(([n, b]) => [n, toNumberBehaviour(b)])),
  };
  return world;
}
