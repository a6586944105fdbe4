/** A parsed JSON body in tests, where assertions (not types) check the shape. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export async function json(res: Response | Promise<Response>): Promise<Json> {
  return (await (await res).json()) as Json;
}
