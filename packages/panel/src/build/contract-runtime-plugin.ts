/**
 * Compiles the panel's contract checks ahead of time. typebox's compiler (which the gateway and
 * the hub use at run time) weighs ~48 KB gzipped in a browser bundle and needs `eval`; the
 * checks it generates are plain JavaScript. So at build time this plugin runs typebox's `Build`
 * on the same schemas (client/contract-schemas.ts) and replaces client/contract-runtime.ts
 * with a module holding the generated check functions and the protocol constants as literals.
 *
 * The generated code may refer to `Guard` (typebox's string helpers), format checks and regular
 * expressions (typebox's "external" variables); anything else makes the build fail with a clear
 * message rather than ship a check that differs from the server's.
 */
import { join } from 'node:path';
import * as Format from 'typebox/format';
import { Build } from 'typebox/schema';
import type { Plugin } from 'vite';
import { panelConstants, panelSchemas } from '../client/contract-schemas.js';
import { panelRoot } from './panel-paths.js';

const RUNTIME_MODULE = join(panelRoot, 'src', 'client', 'contract-runtime.ts');

function serialiseExternal(value: unknown, formats: Set<string>, where: string): string {
  if (value instanceof RegExp) return `new RegExp(${JSON.stringify(value.source)}, ${JSON.stringify(value.flags)})`;
  if (typeof value === 'function') {
    const entry = Object.entries(Format).find(([, f]) => f === value);
    if (entry) {
      formats.add(entry[0]);
      return `Format_${entry[0]}`;
    }
  }
  throw new Error(
    `contract check ${where}: cannot compile a ${typeof value} ahead of time (${String(value).slice(0, 60)})`,
  );
}

/** The source of the browser's contract-runtime module. */
export function generateContractRuntime(): string {
  const formats = new Set<string>();
  let usesGuard = false;
  const body: string[] = [];
  for (const [name, schema] of Object.entries(panelSchemas)) {
    const build = Build(schema);
    if (build.UseUnevaluated())
      throw new Error(`contract check ${name}: unevaluatedProperties is not supported ahead of time`);
    const external = build.External();
    const variables = external.variables.map((v) => serialiseExternal(v, formats, name));
    const code = `${build.Functions().join(';\n')}; return (value) => ${build.Entry()};`;
    if (/\b(Hashing|CheckContext|context)\b/.test(code)) {
      throw new Error(`contract check ${name}: needs typebox run-time helpers that are not shipped`);
    }
    if (/\bGuard\./.test(code)) usesGuard = true;
    body.push(`const ${name} = ((${external.identifier}) => { ${code} })([${variables.join(', ')}]);`);
  }
  const imports: string[] = [];
  if (usesGuard) imports.push(`import { Guard } from 'typebox/guard';`);
  if (formats.size > 0) {
    imports.push(`import { ${[...formats].map((f) => `${f} as Format_${f}`).join(', ')} } from 'typebox/format';`);
  }
  const constants = Object.entries(panelConstants).map(([k, v]) => `export const ${k} = ${JSON.stringify(v)};`);
  return [
    '// Generated at build time by packages/panel/src/build/contract-runtime-plugin.ts from the contracts.',
    ...imports,
    ...body,
    `export const checks = { ${Object.keys(panelSchemas).join(', ')} };`,
    ...constants,
    '',
  ].join('\n');
}

export function contractRuntimePlugin(): Plugin {
  return {
    name: 'callgate-contract-runtime',
    enforce: 'pre',
    load(id) {
      return id.split('?')[0] === RUNTIME_MODULE ? generateContractRuntime() : null;
    },
  };
}
