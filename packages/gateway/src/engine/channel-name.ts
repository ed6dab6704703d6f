/**
 * What a channel name says about the leg: its device (`PJSIP/1001` of `PJSIP/1001-00000002`)
 * and, for Local channels, its pair.
 *
 * Asterisk names a channel `<tech>/<resource>-<8 hex digits>` (chan_pjsip `PJSIP/1001-00000020`,
 * chan_sip `SIP/1001-00000002`, recordings 02 of both versions) and a Local channel
 * `Local/<exten>@<context>-<8 hex>;1` or `;2` (recording 12). The resource may itself hold
 * dashes (`PJSIP/op-1001-0000000a`), so only the final suffix is cut.
 */

const SEQUENCE_SUFFIX = /-[0-9a-f]{8}$/i;
const LOCAL_HALF = /;([12])$/;

/** `PJSIP/1001-00000002` → `PJSIP/1001`; a name without the suffix is returned as is. */
export function channelDevice(name: string): string {
  return name.replace(LOCAL_HALF, '').replace(SEQUENCE_SUFFIX, '');
}

export function isLocalChannel(name: string): boolean {
  return name.length > 6 && name.slice(0, 6).toLowerCase() === 'local/';
}

/** The other half of a Local channel pair (`…;1` ↔ `…;2`), or undefined for other channels. */
export function localPartner(name: string): string | undefined {
  if (!isLocalChannel(name)) return undefined;
  const m = LOCAL_HALF.exec(name);
  if (!m) return undefined;
  return `${name.slice(0, -1)}${m[1] === '1' ? '2' : '1'}`;
}

/** `Local/1002@internal-00000000;1` → `1002` (the extension a Local channel runs). */
export function localExtension(name: string): string | undefined {
  if (!isLocalChannel(name)) return undefined;
  const at = name.indexOf('@');
  return at > 6 ? name.slice(6, at) : undefined;
}

/**
 * The number part of a Dial string: `79990000001@pstn` → `79990000001`,
 * `PJSIP/79990000001@pstn` → `79990000001`, `SIP/trunk/79990000001` → `79990000001`,
 * `PJSIP/1002` → `1002` (recordings 06, 11).
 */
export function dialStringNumber(dialString: string): string {
  let s = dialString.split('&')[0] ?? '';
  const comma = s.indexOf(',');
  if (comma >= 0) s = s.slice(0, comma);
  const at = s.indexOf('@');
  if (at >= 0) s = s.slice(0, at);
  const slash = s.lastIndexOf('/');
  if (slash >= 0) s = s.slice(slash + 1);
  return s;
}
