// Load benchmark of POST /mcp against the real gateway and its embedded Docebo, all on 127.0.0.1.
// Run: node -r @swc-node/register bench/mcp.bench.ts [seconds per load run, default 8] [connections, default 64]
//
// The gateway runs in a child process (bench/support/gateway-process.ts); this process is the load generator
// (autocannon, one thread) and reads the embedded Docebo's call counters, the gateway's CPU time and memory over
// IPC. Numbers are printed (and saved for bench/run.ts), never asserted. See docs/benchmarks.md.
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import autocannon from 'autocannon';
import { approveAs, HeadlessProvider } from '../test/support/headless-oauth';
import { GatewayProcess, type GatewayStats } from './support/gateway';
import { mib, msSince, quantile, saveResult, table } from './support/report';

const seconds = Number(process.argv[2] ?? 8);
const connections = Number(process.argv[3] ?? 64);
/** Before each measured run, the same load unmeasured (JIT, connection pools, caches). */
const WARM_UP_SECONDS = 1;
/** Concurrent first calls with one fresh token, and how many such bursts (each with its own fresh token). */
const BURST_SIZE = 64;
const BURSTS = 3;
/** The unsaturated run: a fixed request rate, about a quarter of what one core serves. */
const PACED_RATE = 100;
const PACED_CONNECTIONS = 8;

const rpc = (method: string, params: Record<string, unknown>) =>
  JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
const PROFILE_CALL = rpc('tools/call', { name: 'get_my_profile', arguments: {} });
const TOOLS_LIST = rpc('tools/list', {});

/** Runs the OAuth flow once (DCR, consent, sandbox login, code exchange) as the SDK client does; the access token. */
async function signIn(base: string): Promise<string> {
  const provider = new HeadlessProvider(approveAs('learner'));
  const serverUrl = `${base}/mcp`;
  if ((await auth(provider, { serverUrl })) !== 'REDIRECT' || !provider.code)
    throw new Error('sign-in did not reach the client redirect with a code');
  if ((await auth(provider, { serverUrl, authorizationCode: provider.code })) !== 'AUTHORIZED')
    throw new Error('the code exchange failed');
  return provider.tokens()!.access_token;
}

const mcpHeaders = (token: string) => ({
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
  authorization: `Bearer ${token}`,
});

/** One real call before measuring: the load must exercise the success path, not 401s or tool errors. */
async function expectedBody(url: string, headers: Record<string, string>, body: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers, body });
  const text = await res.text();
  const parsed = JSON.parse(text) as { result?: { isError?: boolean } };
  if (res.status !== 200 || !parsed.result || parsed.result.isError)
    throw new Error(`sanity call failed (HTTP ${res.status}): ${text.slice(0, 300)}`);
  return text;
}

/** The trivial node:http server (bench/support/bare-http.ts), in its own process. */
async function startBareServer() {
  const child = fork(join(__dirname, 'support', 'bare-http.ts'), [], {
    execArgv: ['-r', '@swc-node/register'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bare server did not start in 10 s')), 10_000);
    child.once('message', (m: { url: string }) => (clearTimeout(timer), resolve(m.url)));
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`the bare server exited: ${code}`))));
  });
  const probe: Probe = () =>
    new Promise((resolve) => {
      child.once('message', (m: { cpu: NodeJS.CpuUsage; requests: number }) =>
        resolve({ cpuMs: (m.cpu.user + m.cpu.system) / 1000, clientRequests: m.requests }),
      );
      child.send('stats');
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => (clearTimeout(timer), resolve()));
      child.disconnect();
    });
  return { url, probe, stop };
}

interface LoadRun {
  name: string;
  requestsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connection errors and timeouts. */
  errors: number;
  non2xx: number;
  /** 2xx responses whose body differed from the sanity call's (e.g. a tool error inside a 200). */
  mismatches: number;
  /** Requests the server received (the completed ones plus those abandoned when the run stopped). */
  serverRequests: number;
  /** CPU time the server process used per request it received: robust to other load on the machine. */
  serverCpuMsPerRequest: number;
  /** CPU the load generator used, in % of one core. */
  clientCpuPercent: number;
  /** GET /manage/v1/user/session calls the embedded Docebo received during the run (gateway runs only). */
  sessionCalls?: number;
  /** Every call the embedded Docebo received during the run (gateway runs only). */
  doceboCalls?: number;
  /** Session calls per request the server received: the introspection cache at work when near 0. */
  sessionCallsPerRequest?: number;
}

/** Counters of the server under load, read before and after a run. */
type Probe = () => Promise<Partial<GatewayStats> & Pick<GatewayStats, 'cpuMs' | 'clientRequests'>>;

/**
 * One measured run. `countBy`: which server counter counts the requests received (the gateway's client requests,
 * or, for a run aimed at the embedded Docebo itself, the Docebo's).
 */
async function loadRun(
  name: string,
  probe: Probe,
  options: autocannon.Options,
  countBy: 'clientRequests' | 'sandboxRequests' = 'clientRequests',
): Promise<LoadRun> {
  // Warm-up of this very request (JIT, pools, caches), not reported.
  await autocannon({ connections, ...options, duration: WARM_UP_SECONDS });
  const before = await probe();
  const clientBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const r = await autocannon({ connections, duration: seconds, timeout: 10, ...options });
  const client = process.cpuUsage(clientBefore);
  const wallMs = msSince(started);
  const after = await probe();
  const delta = (k: 'sessionCalls' | 'sandboxRequests') =>
    after[k] === undefined || before[k] === undefined ? undefined : after[k] - before[k];
  const serverRequests = (after[countBy] ?? 0) - (before[countBy] ?? 0);
  const sessionCalls = delta('sessionCalls');
  return {
    name,
    requestsPerSecond: r.requests.average,
    requests: r.requests.total,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    mismatches: r.mismatches,
    serverRequests,
    serverCpuMsPerRequest: (after.cpuMs - before.cpuMs) / Math.max(1, serverRequests),
    clientCpuPercent: ((client.user + client.system) / 1000 / wallMs) * 100,
    sessionCalls,
    doceboCalls: delta('sandboxRequests'),
    sessionCallsPerRequest:
      sessionCalls === undefined ? undefined : sessionCalls / Math.max(1, serverRequests),
  };
}

interface Burst {
  /** `#n cold` (first calls with a fresh token) or `#n warm` (the same token again). */
  label: string;
  concurrent: number;
  ok: number;
  /** Session calls the embedded Docebo received during the burst: 1 when concurrent misses share one call. */
  sessionCalls: number;
  wallMs: number;
  p50Ms: number;
  maxMs: number;
}

/** BURST_SIZE concurrent first calls with one fresh token, which the introspection cache has never seen. */
/** BURST_SIZE concurrent calls of tools/list with one token, timed together and one by one. */
async function burst(gw: GatewayProcess, token: string, label: string): Promise<Burst> {
  const before = await gw.settle();
  const latencies: number[] = [];
  const start = process.hrtime.bigint();
  const statuses = await Promise.all(
    Array.from({ length: BURST_SIZE }, async () => {
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${gw.url}/mcp`, {
        method: 'POST',
        headers: mcpHeaders(token),
        body: TOOLS_LIST,
      });
      await res.arrayBuffer();
      latencies.push(msSince(t0));
      return res.status;
    }),
  );
  const wallMs = msSince(start);
  const after = await gw.settle();
  latencies.sort((a, b) => a - b);
  return {
    label,
    concurrent: BURST_SIZE,
    ok: statuses.filter((s) => s === 200).length,
    sessionCalls: after.sessionCalls - before.sessionCalls,
    wallMs,
    p50Ms: quantile(latencies, 0.5),
    maxMs: latencies[latencies.length - 1],
  };
}

/**
 * The cold cache: BURST_SIZE concurrent first calls with a fresh token, which the introspection cache has never
 * seen (the code exchange asks Docebo itself, not through the cache); then the same burst again, now cached.
 */
async function coldThenWarm(gw: GatewayProcess, round: number): Promise<Burst[]> {
  const token = await signIn(gw.url);
  return [await burst(gw, token, `#${round} cold`), await burst(gw, token, `#${round} warm`)];
}

const memoryRow = (label: string, m: NodeJS.MemoryUsage) => [
  label,
  mib(m.rss),
  mib(m.heapUsed),
  mib(m.heapTotal),
  mib(m.external),
];

function print(runs: LoadRun[], bursts: Burst[], memory: Record<string, NodeJS.MemoryUsage>): void {
  console.log(
    table(
      [
        'run',
        'req/s',
        'requests',
        'p50 ms',
        'p99 ms',
        'max ms',
        'errors',
        'non-2xx',
        'mismatch',
        'server CPU ms/req',
        'client CPU %',
        'Docebo calls',
        'session calls',
        'session/req',
      ],
      runs.map((r) => [
        r.name,
        Math.round(r.requestsPerSecond),
        r.requests,
        r.p50Ms,
        r.p99Ms,
        r.maxMs,
        r.errors,
        r.non2xx,
        r.mismatches,
        r.serverCpuMsPerRequest.toFixed(3),
        Math.round(r.clientCpuPercent),
        r.doceboCalls ?? '-',
        r.sessionCalls ?? '-',
        r.sessionCallsPerRequest?.toFixed(3) ?? '-',
      ]),
    ),
  );
  console.log(
    'session calls: GET /manage/v1/user/session at the embedded Docebo. Through /mcp every one is a bearer-token ' +
      'check that missed the introspection cache (no tool here calls Docebo since eb9e740); the direct run is the ' +
      'cost of that endpoint itself.',
  );
  console.log(
    '\n' +
      table(
        [
          'introspection cache: concurrent calls, one token',
          'ok',
          'session calls',
          'burst ms',
          'p50 ms',
          'max ms',
        ],
        bursts.map((b) => [
          `${b.label}: ${b.concurrent} × tools/list`,
          `${b.ok}/${b.concurrent}`,
          b.sessionCalls,
          b.wallMs.toFixed(1),
          b.p50Ms.toFixed(1),
          b.maxMs.toFixed(1),
        ]),
      ),
  );
  console.log(
    '\n' +
      table(
        ['gateway memory (MiB)', 'rss', 'heap used', 'heap total', 'external'],
        Object.entries(memory).map(([label, m]) => memoryRow(label, m)),
      ),
  );
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  const loadBefore = loadavg();
  const bare = await startBareServer();
  const gw = await GatewayProcess.start();
  try {
    const token = await signIn(gw.url);
    const mcp = `${gw.url}/mcp`;
    const headers = mcpHeaders(token);
    const profileBody = await expectedBody(mcp, headers, PROFILE_CALL);
    const listBody = await expectedBody(mcp, headers, TOOLS_LIST);
    const healthBody = await (await fetch(`${gw.url}/health/live`)).text();
    const doceboSession = `${gw.url}/__sandbox/demo/manage/v1/user/session`;
    const doceboHeaders = { authorization: `Bearer ${await gw.doceboToken()}` };
    const sessionBody = await (await fetch(doceboSession, { headers: doceboHeaders })).text();

    const memoryBefore = await gw.collectGarbage();

    const gateway: Probe = () => gw.settle();
    const runs = [
      await loadRun('node:http, empty handler (machine floor)', bare.probe, { url: bare.url }),
      await loadRun('GET /health/live (gateway baseline)', gateway, {
        url: `${gw.url}/health/live`,
        expectBody: healthBody,
      }),
      // What one get_my_profile call costs the embedded Docebo (served by the same process): the tool asks it once.
      await loadRun(
        'embedded Docebo: GET /manage/v1/user/session',
        gateway,
        {
          url: doceboSession,
          headers: doceboHeaders,
          expectBody: sessionBody,
        },
        'sandboxRequests',
      ),
      await loadRun('POST /mcp tools/call get_my_profile', gateway, {
        url: mcp,
        method: 'POST',
        headers,
        body: PROFILE_CALL,
        expectBody: profileBody,
      }),
      // The latency a client sees when the gateway is not saturated (the runs above measure capacity).
      await loadRun(`POST /mcp tools/call get_my_profile at ${PACED_RATE} req/s`, gateway, {
        url: mcp,
        method: 'POST',
        headers,
        body: PROFILE_CALL,
        expectBody: profileBody,
        connections: PACED_CONNECTIONS,
        overallRate: PACED_RATE,
      }),
      await loadRun('POST /mcp tools/list', gateway, {
        url: mcp,
        method: 'POST',
        headers,
        body: TOOLS_LIST,
        expectBody: listBody,
      }),
    ];
    const memoryAfter = (await gw.stats()).memory;
    const memoryAfterGc = await gw.collectGarbage();

    const bursts: Burst[] = [];
    for (let i = 1; i <= BURSTS; i++) bursts.push(...(await coldThenWarm(gw, i)));

    const loadAfter = loadavg();
    console.log(
      `node ${process.version}; autocannon ${connections} connections, ${seconds} s per run, each after a ${WARM_UP_SECONDS} s warm-up; ` +
        `load average ${loadBefore[0].toFixed(2)} before, ${loadAfter[0].toFixed(2)} after`,
    );
    const memory = {
      'before load (after GC)': memoryBefore,
      'after load': memoryAfter,
      'after load (after GC)': memoryAfterGc,
    };
    print(runs, bursts, memory);
    console.log(`total ${(msSince(started) / 1000).toFixed(1)} s`);
    saveResult({
      bench: 'mcp',
      node: process.version,
      connections,
      seconds,
      loadAverage: { before: loadBefore[0], after: loadAfter[0] },
      runs,
      bursts,
      memory,
    });
  } finally {
    await Promise.all([gw.stop(), bare.stop()]);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
