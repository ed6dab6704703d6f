/**
 * Compiled validators for every contract, with errors that name the field and the reason
 * (`operators[2].extension: must match pattern …`). Both ends of every wire validate with
 * these; a failure is a typed `ContractError`, never an exception from deep inside a parser.
 */
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

export interface FieldProblem {
  /** `operators[2].extension`; empty for the value itself. */
  path: string;
  reason: string;
}

export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code = 'CONTRACT_ERR_INVALID';
  readonly problems: readonly FieldProblem[];
  constructor(what: string, problems: readonly FieldProblem[]) {
    super(`invalid ${what}: ${problems.map((p) => (p.path ? `${p.path}: ${p.reason}` : p.reason)).join('; ')}`);
    this.problems = problems;
  }
}

export type Result<T, E = ContractError> = { ok: true; value: T } | { ok: false; error: E };

/** `/operators/2/extension` → `operators[2].extension`. */
function toPath(pointer: string): string {
  let out = '';
  for (const part of pointer.split('/').slice(1)) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : out === '' ? key : `.${key}`;
  }
  return out;
}

export interface Validator<T> {
  readonly schema: TSchema;
  check(value: unknown): value is T;
  /** The value typed, or a ContractError naming every bad field. */
  parse(value: unknown): Result<T>;
  /** Like `parse` but throws the ContractError. */
  assert(value: unknown): T;
}

export function validator<T>(what: string, schema: TSchema): Validator<T> {
  const compiled = Compile(schema);
  const problems = (value: unknown): FieldProblem[] => {
    const out: FieldProblem[] = [];
    const seen = new Set<string>();
    const add = (path: string, reason: string): void => {
      const key = `${path}|${reason}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push({ path, reason });
    };
    for (const e of compiled.Errors(value)) {
      const path = toPath(e.instancePath);
      const params = e.params as Record<string, unknown>;
      const under = (name: string): string => (path ? `${path}.${name}` : name);
      if (e.keyword === 'boolean') continue; // repeats additionalProperties below
      if (e.keyword === 'required' && Array.isArray(params.requiredProperties)) {
        for (const name of params.requiredProperties as string[]) add(under(name), 'is required');
      } else if (e.keyword === 'additionalProperties' && Array.isArray(params.additionalProperties)) {
        for (const name of params.additionalProperties as string[]) add(under(name), 'is not a known field');
      } else if (e.keyword === 'anyOf') {
        add(path, 'does not match any allowed form');
      } else if (e.keyword === 'pattern' && typeof params.pattern === 'string') {
        add(path, `must match ${params.pattern}`);
      } else {
        add(path, e.message);
      }
    }
    // Each anyOf branch reports its own failure; the one summary per path reads better.
    const summarised = new Set(out.filter((p) => p.reason === 'does not match any allowed form').map((p) => p.path));
    return out.filter((p) => p.reason === 'does not match any allowed form' || !summarised.has(p.path));
  };
  return {
    schema,
    check: (value: unknown): value is T => compiled.Check(value),
    parse(value) {
      if (compiled.Check(value)) return { ok: true, value: value as T };
      return { ok: false, error: new ContractError(what, problems(value)) };
    },
    assert(value) {
      if (compiled.Check(value)) return value as T;
      throw new ContractError(what, problems(value));
    },
  };
}
