/**
 * Everything the panel needs from the contracts at run time: checks for what it receives and the
 * protocol constants. This file is what Node (unit tests) runs: it compiles the checks from the
 * schemas. The browser bundle gets a generated stand-in with the same exports, compiled ahead of
 * time from the same schemas (build/contract-runtime-plugin.ts; a test holds the two to the same
 * verdicts), so typebox does not ship to the browser and no `eval` is needed there.
 *
 * Everything else in the panel imports only types from `@callgate/contracts`.
 */
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { panelConstants, panelSchemas } from './contract-schemas.js';

type Schemas = typeof panelSchemas;
export type ContractCheckName = keyof Schemas;
export type ContractChecks = {
  [K in ContractCheckName]: (value: unknown) => value is Static<Schemas[K]>;
};

function compileAll(): ContractChecks {
  const out: Record<string, (value: unknown) => boolean> = {};
  for (const [name, schema] of Object.entries(panelSchemas) as [string, TSchema][]) {
    const compiled = Compile(schema);
    out[name] = (value) => compiled.Check(value);
  }
  return out as ContractChecks;
}

export const checks: ContractChecks = compileAll();
export const {
  CloseCode,
  LiveCloseCode,
  OPERATOR_PROTOCOL_VERSION,
  OPERATOR_WS_PATH,
  LIVE_WS_PATH,
  LIVE_PROTOCOL_VERSION,
  LIVE_VERSION_PARAM,
} = panelConstants;
