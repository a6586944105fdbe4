import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { compileServer } from './compile';

/** What the benchmark asks the gateway process (over IPC). */
export type GatewayRequest = { id: number; type: 'stats' | 'gc' | 'docebo-token' | 'close' };

/** The gateway process's answers; `id` 0 is the unsolicited "listening" message. */
export interface GatewayReply {
  id: number;
  url?: string;
  /** GET /manage/v1/user/session calls the embedded Docebo received since boot. */
  sessionCalls?: number;
  /** Every call the embedded Docebo received since boot. */
  sandboxRequests?: number;
  /** Requests the gateway received from clients (its calls to the embedded Docebo excluded). */
  clientRequests?: number;
  memory?: NodeJS.MemoryUsage;
  /** CPU time the gateway process used since it started (µs). */
  cpu?: NodeJS.CpuUsage;
  /** An access token the embedded Docebo issued to the seeded user "learner". */
  doceboToken?: string;
  /** Whether a forced garbage collection ran (needs --expose-gc). */
  gc?: boolean;
  error?: string;
}

export interface GatewayStats {
  sessionCalls: number;
  sandboxRequests: number;
  clientRequests: number;
  memory: NodeJS.MemoryUsage;
  /** CPU time (user + system) the gateway process used since it started. */
  cpuMs: number;
}

/** The gateway, booted in a child process on a free 127.0.0.1 port, with its embedded Docebo's counters. */
export class GatewayProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: GatewayReply) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly build: { remove: () => void },
  ) {
    child.on('message', (reply: GatewayReply) => {
      this.pending.get(reply.id)?.(reply);
      this.pending.delete(reply.id);
    });
  }

  /**
   * Compiles the gateway (bench/support/compile.ts), forks bench/support/gateway-process with plain `node`, and
   * waits until it listens (at most `timeoutMs`).
   */
  static async start(logLevel = 'info', timeoutMs = 30_000): Promise<GatewayProcess> {
    const build = compileServer();
    // BENCH_CPU_PROF=<dir>: the gateway writes a V8 CPU profile there when it exits (open it in Chrome DevTools).
    const profile = process.env.BENCH_CPU_PROF
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
      : [];
    const child = fork(join(build.dir, 'bench', 'support', 'gateway-process.js'), [logLevel], {
      execArgv: ['--expose-gc', ...profile],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('exit', () => build.remove());
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the gateway did not listen within ${timeoutMs} ms`));
      }, timeoutMs);
      child.once('message', (m: GatewayReply) => {
        clearTimeout(timer);
        if (m.url) resolve(m.url);
        else reject(new Error(`unexpected first message from the gateway: ${JSON.stringify(m)}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the gateway exited with ${code} before listening`));
      });
    });
    return new GatewayProcess(child, url, build);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  private ask(type: GatewayRequest['type'], timeoutMs = 10_000): Promise<GatewayReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the gateway did not answer "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.error) reject(new Error(reply.error));
        else resolve(reply);
      });
      this.child.send({ id, type } satisfies GatewayRequest);
    });
  }

  /** The sandbox's counters, the gateway's memory and the CPU time it used so far. */
  async stats(): Promise<GatewayStats> {
    const r = await this.ask('stats');
    return {
      sessionCalls: r.sessionCalls!,
      sandboxRequests: r.sandboxRequests!,
      clientRequests: r.clientRequests!,
      memory: r.memory!,
      cpuMs: (r.cpu!.user + r.cpu!.system) / 1000,
    };
  }

  /**
   * Waits until the gateway is idle: requests a load generator abandoned at the end of a run are still being
   * served after it returns, and would be counted in the next run. Idle = under 5 % of one core and no Docebo
   * call for 200 ms (at most `timeoutMs`).
   */
  async settle(timeoutMs = 10_000): Promise<GatewayStats> {
    const deadline = Date.now() + timeoutMs;
    let last = await this.stats();
    let quiet = 0;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const now = await this.stats();
      const idle = now.cpuMs - last.cpuMs < 5 && now.sandboxRequests === last.sandboxRequests;
      quiet = idle ? quiet + 1 : 0;
      last = now;
      if (quiet >= 2) return now;
    }
    return last;
  }

  /** A Docebo access token for "learner", issued by the embedded Docebo directly (no OAuth flow). */
  async doceboToken(): Promise<string> {
    return (await this.ask('docebo-token')).doceboToken!;
  }

  /** Forces a full garbage collection in the gateway and returns its memory afterwards. */
  async collectGarbage(): Promise<NodeJS.MemoryUsage> {
    const r = await this.ask('gc');
    if (!r.gc) throw new Error('the gateway process was started without --expose-gc');
    return r.memory!;
  }

  /** Closes the app gracefully, then makes sure the process is gone (SIGKILL after `graceMs`). */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.build.remove();
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    try {
      await this.ask('close', graceMs);
    } catch {
      this.child.kill('SIGKILL');
    }
    await exited;
    clearTimeout(timer);
  }
}
