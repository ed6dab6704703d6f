/**
 * Operator tokens as the hub issues them (EdDSA JWT, issuer `callgate-hub`, audience
 * `callgate-gateway`, claims of contracts/token-claims.ts), signed by a key made for the run.
 * The gateway reads the public half from `hub.publicKeyFile`, as a site does before it first
 * links to the hub. Tokens outlive the longest run: expiry would close the sockets mid-run.
 */
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet } from 'jose';
import { GATEWAY_AUDIENCE, TOKEN_ISSUER } from '@callgate/contracts';

export interface BenchIssuer {
  jwks: JSONWebKeySet;
  sign(operator: { id: string; extension: string }, site: string): Promise<string>;
}

const KID = 'bench-hub-1';
const LIFETIME_SECONDS = 4 * 3600;

export async function benchIssuer(): Promise<BenchIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return {
    jwks: { keys: [{ ...jwk, kid: KID, alg: 'EdDSA', use: 'sig' }] },
    sign: (operator, site) => sign(privateKey, operator, site),
  };
}

function sign(key: CryptoKey, operator: { id: string; extension: string }, site: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'operator', site, ext: operator.extension, sid: `bench-${operator.id}` })
    .setProtectedHeader({ alg: 'EdDSA', kid: KID })
    .setSubject(operator.id)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(GATEWAY_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + LIFETIME_SECONDS)
    .sign(key);
}
