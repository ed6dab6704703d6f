/**
 * Asterisk security advisories that concern AMI, with the first fixed version per branch.
 * `callgate doctor` compares the site's Asterisk version with these. Sources: the Asterisk
 * project's GitHub security advisories (GHSA ids below).
 */
export interface Advisory {
  id: string;
  ghsa: string;
  summary: string;
  /** Major branch → first fixed version on that branch. Branches not listed and older than `fixedSinceMajor` are affected. */
  fixedIn: Record<number, string>;
  /** The first major version released with the fix. */
  fixedSinceMajor: number;
}

export const AMI_ADVISORIES: readonly Advisory[] = [
  {
    id: 'CVE-2024-42365',
    ghsa: 'GHSA-c4cg-9275-6w44',
    summary:
      'an AMI user with write=originate can rewrite files under /etc/asterisk through Originate and run commands as the Asterisk user',
    fixedIn: { 18: '18.24.2', 20: '20.9.2', 21: '21.4.2' },
    fixedSinceMajor: 22,
  },
  {
    id: 'CVE-2023-49294',
    ghsa: 'GHSA-8857-hfmw-vg8f',
    summary: 'an AMI user with config read access can read any file on the server through GetConfig path traversal',
    fixedIn: { 18: '18.20.1', 20: '20.5.1', 21: '21.0.2' },
    fixedSinceMajor: 22,
  },
];

/** `22.10.1`, `20.9.2-rc1`, `certified-20.7-cert2` → numeric parts; undefined if not a version. */
export function parseAsteriskVersion(text: string): number[] | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Advisories the given version is affected by. Certified builds are matched by branch only. */
export function affectingAdvisories(versionText: string): Advisory[] {
  const version = parseAsteriskVersion(versionText);
  if (!version) return [];
  const major = version[0] as number;
  return AMI_ADVISORIES.filter((a) => {
    if (major >= a.fixedSinceMajor) return false;
    const fixed = a.fixedIn[major];
    if (fixed === undefined) return true; // an end-of-life branch never got the fix
    return compare(version, parseAsteriskVersion(fixed) ?? [0]) < 0;
  });
}
