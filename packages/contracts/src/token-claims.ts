/**
 * Claims of the operator token the hub signs (EdDSA JWT) and site gateways verify offline with
 * the hub's public key. Standard claims: `sub` = operator (user) id, `exp`/`iat`, `jti`.
 *
 * During a WAN outage a gateway signs tokens with the same claims itself (issuer
 * `SITE_TOKEN_ISSUER`, its own key, docs/uplink.md "Working through an outage"); only that
 * gateway accepts them, the hub never does.
 */
import Type from 'typebox';
import { validator } from './validate.js';

export const Role = Type.Union([Type.Literal('operator'), Type.Literal('supervisor'), Type.Literal('admin')]);
export type Role = Type.Static<typeof Role>;

export const OperatorTokenClaims = Type.Object(
  {
    /** The user id (for operators, the operator id used in site configs). */
    sub: Type.String({ minLength: 1, maxLength: 200 }),
    role: Role,
    /** The site the token is valid for; supervisors and admins may hold `*`. */
    site: Type.String({ minLength: 1, maxLength: 100 }),
    /** Phone extension; empty for users without a phone. */
    ext: Type.String({ maxLength: 40 }),
    /** Hub session id: revoking the session stops renewals. */
    sid: Type.String({ minLength: 1, maxLength: 200 }),
    /**
     * When the login behind the token ends (epoch seconds): a gateway renewing the token during
     * an outage never goes past it. Absent from tokens of older hubs.
     */
    sxp: Type.Optional(Type.Integer()),
    iat: Type.Integer(),
    exp: Type.Integer(),
    iss: Type.Optional(Type.String()),
    aud: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    jti: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type OperatorTokenClaims = Type.Static<typeof OperatorTokenClaims>;

export const operatorTokenClaimsValidator = validator<OperatorTokenClaims>('token claims', OperatorTokenClaims);

/** Token issuer and audience: the gateway accepts only hub-issued tokens meant for gateways. */
export const TOKEN_ISSUER = 'callgate-hub';
export const GATEWAY_AUDIENCE = 'callgate-gateway';
/** Issuer of the tokens a gateway signs itself while its link to the hub is down. */
export const SITE_TOKEN_ISSUER = 'callgate-site';
