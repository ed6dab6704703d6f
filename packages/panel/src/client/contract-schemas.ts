/**
 * The contracts the panel checks what it receives against, and the protocol constants it uses.
 * Node side only: the panel's own code imports `contract-runtime.ts`, which in the browser bundle
 * is replaced by checks compiled ahead of time from exactly these schemas
 * (build/contract-runtime-plugin.ts), so no schema builder or validator compiler ships.
 */
import {
  ApiErrorBody,
  CloseCode,
  Contact,
  ContactLookupResponse,
  DispositionOption,
  DispositionQueued,
  HubCall,
  HubSite,
  HubUser,
  LIVE_PROTOCOL_VERSION,
  LIVE_VERSION_PARAM,
  LIVE_WS_PATH,
  LiveCloseCode,
  LiveServerMessage,
  LoginResponse,
  OPERATOR_PROTOCOL_VERSION,
  OPERATOR_WS_PATH,
  OperatorToken,
  Page,
  ServerMessage,
  SessionInfo,
} from '@callgate/contracts';
import Type from 'typebox';

export const panelSchemas = {
  serverMessage: ServerMessage,
  liveServerMessage: LiveServerMessage,
  apiErrorBody: ApiErrorBody,
  loginResponse: LoginResponse,
  sessionInfo: SessionInfo,
  operatorToken: OperatorToken,
  contactLookup: ContactLookupResponse,
  contact: Contact,
  contactPage: Page(Contact),
  hubCall: HubCall,
  /** A disposition saved at the site gateway during an outage (202), or the hub's saved call. */
  savedDisposition: Type.Union([HubCall, DispositionQueued]),
  hubCallPage: Page(HubCall),
  dispositions: Type.Array(DispositionOption),
  sites: Type.Array(HubSite),
  userPage: Page(HubUser),
};

export const panelConstants = {
  CloseCode,
  LiveCloseCode,
  OPERATOR_PROTOCOL_VERSION,
  OPERATOR_WS_PATH,
  LIVE_WS_PATH,
  LIVE_PROTOCOL_VERSION,
  LIVE_VERSION_PARAM,
};
