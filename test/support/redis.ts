import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './ports';

/** A redis-server child process on 127.0.0.1 that the tests own. */
export interface RunningRedis {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Kills the server and waits for it to exit (idempotent). */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** Listen on this port (e.g. to restart a server where clients expect it); default a free one. */
  port?: number;
  /** How long to wait for PONG. Default 10 s. */
  timeoutMs?: number;
}

const running = new Set<ChildProcess>();
// A crashed or interrupted test run must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `redis-server` without persistence on a free loopback port and resolves once it answers PING.
 * Retries on another port when the chosen one was taken in the meantime (unless a port was asked for).
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RunningRedis> {
  let lastError: unknown;
  for (let attempt = 0; attempt < (options.port ? 1 : 3); attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await startOn(port, options.timeoutMs ?? 10_000);
    } catch (e) {
      lastError = e;
    }
  }
  throw lastError;
}

async function startOn(port: number, timeoutMs: number): Promise<RunningRedis> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', tmpdir()],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let failure: Error | undefined;
  child.once('error', (e) => (failure = e));
  exited.then(() => running.delete(child));

  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = await Promise.race([exited.then(() => true), sleep(3_000, false, { ref: false })]);
      if (!killed) child.kill('SIGKILL');
    }
    await exited;
  };

  const deadline = Date.now() + timeoutMs;
  // Checking the child is alive too: another server already on this port would also answer PING.
  while (!(await answersPing(port)) || child.exitCode !== null) {
    if (failure || child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(
        `redis-server on port ${port} did not start: ${failure?.message ?? `exit ${child.exitCode}`}\n${output}`,
      );
    }
    await sleep(20);
  }
  return { url: `redis://127.0.0.1:${port}`, port, stop };
}

/** Sends an inline PING and waits briefly for +PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
