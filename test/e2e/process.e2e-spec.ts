import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/ports';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** main.ts as a real process (TypeScript loaded by @swc-node/register): boot, signals, bad configuration. */
function startMain(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<Exit>;
} {
  let output = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: join(__dirname, '../..'),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_PRETTY: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

async function until(check: () => boolean | Promise<boolean>, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ready = (port: number) => () =>
  fetch(`http://127.0.0.1:${port}/health/live`).then(
    (r) => r.ok,
    () => false,
  );

describe('the gateway process', () => {
  it('boots the demo with one warning, and ends on SIGTERM after draining, not forced', async () => {
    const port = await freePort();
    const gw = startMain({ PORT: String(port), GATEWAY__server__drainDelay: '300ms' });
    try {
      await until(ready(port), 'the demo to answer');
      const warnings = gw
        .output()
        .split('\n')
        .filter((l) => l.includes('"level":40'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('DEMO SETUP');
      gw.child.kill('SIGTERM');
      // Nest closes the app, then re-raises the signal (a clean SIGTERM exit; as PID 1 in a container, code 0)
      expect(await gw.exited).toEqual({ code: null, signal: 'SIGTERM' });
      expect(gw.output()).toContain('Shutting down on SIGTERM: readiness is now 503, draining for 300 ms');
      expect(gw.output()).not.toContain('Shutdown took longer');
    } finally {
      gw.child.kill('SIGKILL');
    }
  }, 60_000);

  it('exits within the configured shutdown timeout even when draining would take longer', async () => {
    const port = await freePort();
    const gw = startMain({
      PORT: String(port),
      GATEWAY_CONFIG: '',
      GATEWAY__server__drainDelay: '60s',
      SHUTDOWN_TIMEOUT: '1s',
    });
    try {
      await until(ready(port), 'the demo to answer');
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toEqual({ code: 1, signal: null }); // forced: the drain would have taken a minute
      expect(gw.output()).toContain('Shutdown took longer than 1000 ms; exiting now');
    } finally {
      gw.child.kill('SIGKILL');
    }
  }, 60_000);

  it('refuses a bad configuration with the key and the problem, exit code 78, no stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-bad-config-'));
    const file = join(dir, 'gateway.yaml');
    writeFileSync(
      file,
      'publicUrl: https://mcp.example.com\ntenants:\n  acme:\n    docebo: { baseUrl: http://acme.docebosaas.com, clientId: a, clientSecret: b }\n',
    );
    const gw = startMain({ GATEWAY_CONFIG: file });
    expect(await gw.exited).toEqual({ code: 78, signal: null });
    expect(gw.output()).toBe(
      'Invalid configuration:\ntenants.acme.docebo.baseUrl: must be an https URL (http only on loopback), or "sandbox" for the embedded emulator\n',
    );
  }, 60_000);
});
