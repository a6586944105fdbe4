import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../support/ports';

/** `npm run sandbox` as a process: the exact command of the package.json script, on a free loopback port. */

const root = join(__dirname, '..', '..');
const script = (
  JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts.sandbox;

function run(env: Record<string, string>): ChildProcess {
  const [command, ...args] = script.split(/\s+/);
  return spawn(command, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function output(child: ChildProcess, until: RegExp): Promise<string> {
  let text = '';
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    for await (const chunk of child.stdout!) {
      text += String(chunk);
      if (until.test(text)) return text;
    }
    throw new Error(`exited before printing ${until}: ${text}`);
  } finally {
    clearTimeout(timer);
  }
}

describe('npm run sandbox', () => {
  it('serves the sandbox on 127.0.0.1:SANDBOX_PORT and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const child = run({ SANDBOX_PORT: String(port), SANDBOX_CLIENT_ID: 'standalone-app' });
    const exited = once(child, 'exit');
    try {
      const banner = await output(child, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
      expect(banner).toContain(`http://127.0.0.1:${port}`);
      expect(banner).toContain('client_id=standalone-app');
      const issued = await fetch(`http://127.0.0.1:${port}/__admin/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'learner' }),
      });
      const { access_token } = (await issued.json()) as { access_token: string };
      const me = await fetch(`http://127.0.0.1:${port}/manage/v1/user/session`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(((await me.json()) as { data: { username: string } }).data.username).toBe('learner');
    } finally {
      child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
  }, 30_000);

  it('exits 78 naming the variable when a setting is bad', async () => {
    const child = run({ SANDBOX_PORT: 'eighty' });
    let err = '';
    child.stderr!.on('data', (c) => (err += String(c)));
    const [code] = await once(child, 'exit');
    expect(code).toBe(78);
    expect(err).toContain('SANDBOX_PORT: must be a port number');
  }, 30_000);
});
