/**
 * `npm run sandbox`: the Docebo emulator on its own, as a separate Docebo host on 127.0.0.1:SANDBOX_PORT (4000).
 * Point a tenant at it with `docebo.baseUrl: http://127.0.0.1:4000`. Imports nothing from Nest, so it starts fast.
 */
import { ConfigError } from '../config/config.loader';
import {
  loadSandboxStandaloneConfig,
  type SandboxStandaloneConfig,
} from '../config/sandbox-standalone.config';
import { createSandbox, createSandboxApp } from './sandbox.factory';
import { NUMBERED_LEARNERS, SANDBOX_PASSWORD } from './sandbox.seed';

function loadOrExit(): SandboxStandaloneConfig {
  try {
    return loadSandboxStandaloneConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`Invalid sandbox configuration:\n${e.message}\n`);
    process.exit(78); // EX_CONFIG
  }
}

const { host, port, ...settings } = loadOrExit();
const sandbox = createSandbox({
  ...settings,
  onError: (e) =>
    process.stderr.write(`sandbox: unexpected error: ${e instanceof Error ? e.stack : String(e)}\n`),
});
const server = createSandboxApp(sandbox).listen(port, host, () => {
  const address = server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  process.stdout.write(
    `Docebo sandbox listening on ${url}\n` +
      `  OAuth app: client_id=${settings.clientId} (secret from SANDBOX_CLIENT_SECRET or the default)\n` +
      `  redirect URIs: ${settings.redirectUris.join(', ')}\n` +
      `  users: admin (superadmin), manager (power user), learner, instructor, learner1..learner${NUMBERED_LEARNERS}; ` +
      `password "${SANDBOX_PASSWORD}"\n` +
      `  controls: ${url}/__admin/stats, /__admin/reset, /__admin/faults, /__admin/revoke, /__admin/tokens\n`,
  );
});
server.on('error', (e) => {
  process.stderr.write(`sandbox: cannot listen on ${host}:${port}: ${e.message}\n`);
  process.exit(1);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
