/**
 * Which code this `callgate` is: the bundle `npm run build` made (its build time, set by
 * build-bundle.ts) or the TypeScript sources run through tsx (null). `callgate --version` says.
 */
declare const __CALLGATE_BUILT_AT__: string | undefined;

export const BUILT_AT: string | null = typeof __CALLGATE_BUILT_AT__ === 'string' ? __CALLGATE_BUILT_AT__ : null;

export function originText(): string {
  return BUILT_AT === null ? 'from the sources' : `bundle built ${BUILT_AT}`;
}
