import type { AddressInfo } from 'node:net';
import { createSandbox, createSandboxApp, type Sandbox } from '../../src/sandbox/sandbox.factory';
import type { SandboxOptions } from '../../src/sandbox/sandbox.options';

export interface RunningSandbox {
  /** `http://127.0.0.1:<port>`: use it as a tenant's `docebo.baseUrl`. */
  url: string;
  /** The in-process controls: reset(), faults, stats, issueToken(), revokeToken(), revokeUser(), … */
  sandbox: Sandbox;
  close(): Promise<void>;
}

/**
 * Serves one Docebo sandbox on a free 127.0.0.1 port, as a separate Docebo host. Every call of a test file can share
 * one; `sandbox.reset()` between tests restores the seed.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const sandbox = createSandbox({
    ...options,
    onError: (e) => process.stderr.write(`sandbox error: ${e instanceof Error ? e.stack : String(e)}\n`),
  });
  const server = createSandboxApp(sandbox).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sandbox,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // keep-alive sockets of fetch would otherwise hold close() open
      }),
  };
}
