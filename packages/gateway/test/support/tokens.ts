/** A stand-in for the hub's signing key: real EdDSA keys and real JWTs, as the hub issues them. */
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type CryptoKey } from 'jose';
import { GATEWAY_AUDIENCE, TOKEN_ISSUER } from '@callgate/contracts';

export interface TestIssuer {
  jwks: JSONWebKeySet;
  sign(
    claims: Partial<{ sub: string; role: string; site: string; ext: string; sid: string; sxp: number }>,
    options?: { expiresInSeconds?: number; issuedAt?: number; audience?: string; issuer?: string },
  ): Promise<string>;
}

export async function testIssuer(kid = 'hub-test-1'): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return {
    jwks: { keys: [{ ...jwk, kid, alg: 'EdDSA', use: 'sig' }] },
    sign: (claims, options = {}) => signWith(privateKey, kid, claims, options),
  };
}

async function signWith(
  key: CryptoKey,
  kid: string,
  claims: Partial<{ sub: string; role: string; site: string; ext: string; sid: string; sxp: number }>,
  options: { expiresInSeconds?: number; issuedAt?: number; audience?: string; issuer?: string },
): Promise<string> {
  const iat = options.issuedAt ?? Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'operator', site: 'moscow', ext: '1001', sid: 'sess-1', ...claims })
    .setProtectedHeader({ alg: 'EdDSA', kid })
    .setSubject(claims.sub ?? 'op-1001')
    .setIssuer(options.issuer ?? TOKEN_ISSUER)
    .setAudience(options.audience ?? GATEWAY_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (options.expiresInSeconds ?? 300))
    .sign(key);
}
