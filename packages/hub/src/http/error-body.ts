/**
 * Every error response has the same body (contracts `ApiErrorBody`) with a HUB_ERR_… code.
 * Fastify's own errors (validation, body too large, bad JSON, wrong content type, unknown
 * route) are mapped onto our codes here, so clients switch on one set of codes.
 */
import type { ApiErrorBody, FieldProblem } from '@callgate/contracts';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HubError, HubErrorCode, isHubError } from '../errors.js';

export function errorBody(error: HubError): ApiErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.problems === undefined ? {} : { problems: [...error.problems] }),
      ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
    },
  };
}

/** `/phones/0/number` in part `body` → `body.phones[0].number`. */
function fieldPath(context: string | undefined, pointer: string): string {
  let out = context ?? '';
  for (const part of pointer.split('/').slice(1)) {
    if (part === '') continue;
    out += /^\d+$/.test(part) ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out;
}

interface ValidationItem {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function validationProblems(error: FastifyError): FieldProblem[] {
  const items = ((error.validation ?? []) as ValidationItem[]).filter((i) => i.keyword !== 'boolean'); // typebox repeats additionalProperties as "schema is false"
  const unions = new Set(items.filter((i) => i.keyword === 'anyOf').map((i) => i.instancePath ?? ''));
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  const add = (path: string, reason: string): void => {
    const key = `${path}|${reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push({ path, reason });
    }
  };
  for (const item of items) {
    const pointer = item.instancePath ?? '';
    const path = fieldPath(error.validationContext, pointer);
    if (unions.has(pointer)) {
      // One line per union field instead of one per branch: "must be one of a, b, c".
      if (item.keyword !== 'anyOf') continue;
      const branches = items.filter((i) => (i.instancePath ?? '') === pointer && i.keyword !== 'anyOf');
      const allowed = branches.map((b) => b.params?.allowedValue);
      const literal = branches.length > 0 && branches.every((b) => b.keyword === 'const');
      add(path, literal ? `must be one of ${allowed.map(String).join(', ')}` : 'does not match any allowed form');
      continue;
    }
    const extra = item.params?.additionalProperties;
    if (item.keyword === 'additionalProperties' && Array.isArray(extra)) {
      for (const name of extra) add(`${path}.${String(name)}`, 'is not a known field');
      continue;
    }
    add(path, item.message ?? 'is not valid');
  }
  return out;
}

/** Turns anything thrown in a route into a HubError. */
export function toHubError(error: unknown): HubError {
  if (isHubError(error)) return error;
  const e = error as Partial<FastifyError> & { name?: string; message?: string };
  if (e.validation !== undefined) {
    const problems = validationProblems(e as FastifyError);
    return new HubError(
      HubErrorCode.Validation,
      `invalid request: ${problems.map((p) => `${p.path}: ${p.reason}`).join('; ')}`,
      { problems },
    );
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HubError(HubErrorCode.BodyTooLarge, 'request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HubError(HubErrorCode.UnsupportedMediaType, 'unsupported Content-Type for this endpoint');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HubError(HubErrorCode.BadJson, 'request body is not valid JSON');
    default:
      break;
  }
  if (
    e.name === 'SyntaxError' ||
    (e.statusCode === 400 && typeof e.message === 'string' && /JSON|prototype/i.test(e.message))
  ) {
    return new HubError(HubErrorCode.BadJson, 'request body is not valid JSON (or holds __proto__)');
  }
  if (e.statusCode === 404) return new HubError(HubErrorCode.NotFound, 'not found');
  if (e.statusCode === 413) return new HubError(HubErrorCode.BodyTooLarge, 'request body is too large');
  if (e.statusCode === 415) return new HubError(HubErrorCode.UnsupportedMediaType, 'unsupported Content-Type');
  return new HubError(HubErrorCode.Internal, 'internal error; see the hub log for this request id', { cause: error });
}

export function sendError(request: FastifyRequest, reply: FastifyReply, thrown: unknown): FastifyReply {
  const error = toHubError(thrown);
  if (error.code === HubErrorCode.Internal) {
    request.log.error({ err: thrown }, 'request failed');
  } else if (error.status >= 500) {
    request.log.error({ code: error.code, err: thrown }, error.message);
  } else {
    request.log.info({ code: error.code }, error.message);
  }
  if (error.retryAfterSeconds !== undefined) void reply.header('retry-after', String(error.retryAfterSeconds));
  return reply.code(error.status).send(errorBody(error));
}
