/** What Asterisk answered an action, as a string: its `Message`, `ok` without one, or the error text. */
import { isAmiError, type AmiAction, type AmiClient } from '@callgate/ami';

export async function answer(c: AmiClient, action: AmiAction): Promise<string> {
  try {
    const result = await c.send(action);
    return result.response.get('Message') ?? 'ok';
  } catch (error) {
    if (isAmiError(error)) return error.message;
    throw error;
  }
}
