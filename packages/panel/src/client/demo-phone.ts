/**
 * The demo's stand-in for the SIP phone on the operator's desk (`callgate demo` mounts
 * `/demo/phone` on its gateways, packages/cli/src/demo/demo-softphone.ts): answer, decline, hang
 * up and hold the operator's simulated phone from the panel. Production gateways have no such
 * route, and asking one for it would put a cross-origin error in every operator's console, so the
 * panel only looks for it when the page was opened with `?demo-phone` (the demo prints that URL).
 */
export type DemoPhoneAction = 'answer' | 'reject' | 'hangup' | 'hold' | 'unhold';

export function mayHaveDemoPhone(pageSearch: string): boolean {
  return new URLSearchParams(pageSearch).has('demo-phone');
}

export class DemoPhone {
  constructor(
    private readonly gatewayUrl: string,
    private readonly fetchFn: (input: string, init: RequestInit) => Promise<Response> = (input, init) =>
      globalThis.fetch(input, init),
  ) {}

  #url(path: string): string {
    return `${this.gatewayUrl.replace(/\/+$/, '')}/demo/phone${path}`;
  }

  /** True when this gateway is a demo gateway that accepts the operator's token. */
  async available(token: string): Promise<boolean> {
    try {
      const response = await this.fetchFn(this.#url(''), {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(3_000),
      });
      return response.ok;
    } catch {
      return false;
    }
  }

  /** Acts on the phone; false when the simulated phone refused (nothing ringing to answer…). */
  async act(action: DemoPhoneAction, token: string): Promise<boolean> {
    try {
      const response = await this.fetchFn(this.#url(`/${action}`), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(3_000),
      });
      return response.ok;
    } catch {
      return false;
    }
  }
}
