/**
 * Who is logged in. The hub's session cookie survives a reload, so on start the panel asks the
 * hub for the session and a fresh gateway token; a reload mid-call comes straight back.
 */
import { signal } from '@preact/signals';
import type { OperatorToken, SessionInfo } from '@callgate/contracts';
import { HubClient, HubRequestError } from '../client/hub-client.js';

export type SessionPhase = 'checking' | 'logged-out' | 'logged-in' | 'hub-unreachable';

export const sessionPhase = signal<SessionPhase>('checking');
export const session = signal<SessionInfo | null>(null);
export const initialToken = signal<OperatorToken | null>(null);
/** Did the hub answer the last request? */
export const hubReachable = signal(true);
/** Why the last session ended, for the login screen (`PANEL_ERR_SESSION_ENDED`, a gateway stop reason). */
export const sessionEndedReason = signal<string | null>(null);

export const hub = new HubClient({
  onReachability: (reachable) => {
    hubReachable.value = reachable;
  },
  onSessionEnded: () => endSession('PANEL_ERR_SESSION_ENDED'),
});

export async function restoreSession(): Promise<void> {
  sessionPhase.value = 'checking';
  try {
    const info = await hub.session();
    if (info === null) {
      sessionPhase.value = 'logged-out';
      return;
    }
    const token = await hub.renewToken();
    initialToken.value = token;
    session.value = info;
    sessionPhase.value = 'logged-in';
  } catch (error) {
    sessionPhase.value = error instanceof HubRequestError && error.status === 401 ? 'logged-out' : 'hub-unreachable';
  }
}

/** Logs in; throws the hub's error (wrong password, rate limited, unreachable). */
export async function logIn(username: string, password: string): Promise<void> {
  const response = await hub.login(username, password);
  initialToken.value = response.token;
  session.value = response.session;
  sessionEndedReason.value = null;
  sessionPhase.value = 'logged-in';
}

export async function logOut(): Promise<void> {
  try {
    await hub.logout();
  } catch {
    // The hub is unreachable: the session cookie stays, but this page forgets it.
  }
  endSession(null);
}

export function endSession(reason: string | null): void {
  if (sessionPhase.value !== 'logged-in') return;
  sessionEndedReason.value = reason;
  session.value = null;
  initialToken.value = null;
  sessionPhase.value = 'logged-out';
}
