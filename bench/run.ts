// npm run bench [-- [name…] [--json <file>]]: runs every bench/*.bench.ts (or those whose name contains one of the
// given names), one at a time, each in its own process with a time limit, then prints a summary.
// Benchmarks report numbers; none asserts them. A benchmark fails only when it crashes or overruns its limit.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { mib, table } from './support/report';

/** Per benchmark; the whole run (token micro-benchmark + load benchmark) takes about a minute. */
const TIME_LIMIT_MS = 100_000;

interface Outcome {
  name: string;
  ok: boolean;
  seconds: number;
  detail?: string;
  result?: Record<string, unknown>;
}

function parseArgs(argv: string[]) {
  const names: string[] = [];
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = argv[++i];
    else names.push(argv[i]);
  }
  return { names, json };
}

function runOne(file: string, resultFile: string): Promise<Omit<Outcome, 'name'>> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', file], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_RESULT_FILE: resultFile },
    });
    let timedOut = false;
    const kill = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM'); // its servers exit when their IPC channel to it closes
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    }, TIME_LIMIT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(kill);
      const seconds = (Date.now() - started) / 1000;
      if (timedOut)
        return resolve({ ok: false, seconds, detail: `over the ${TIME_LIMIT_MS / 1000} s limit` });
      if (code !== 0) return resolve({ ok: false, seconds, detail: `exited with ${code ?? signal}` });
      let result: Record<string, unknown> | undefined;
      try {
        result = JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown>;
      } catch {
        result = undefined; // a benchmark that only prints
      }
      resolve({ ok: true, seconds, result });
    });
  });
}

/** The few numbers of each known benchmark worth a line in the summary. */
function summarize(o: Outcome): string {
  if (!o.ok) return `${o.name}: FAILED (${o.detail})`;
  const r = o.result as Record<string, never> | undefined;
  if (r?.bench === 'tokens') {
    const results = r.results as { name: string; opsPerSecond: number; p50: number; p99: number }[];
    return [
      `${o.name} (${o.seconds.toFixed(1)} s)`,
      table(
        ['operation', 'ops/s', 'p50 µs', 'p99 µs'],
        results.map((x) => [x.name, Math.round(x.opsPerSecond), x.p50.toFixed(1), x.p99.toFixed(1)]),
      ),
    ].join('\n');
  }
  if (r?.bench === 'mcp') {
    type Run = Record<string, number | string | undefined>;
    const runs = r.runs as Run[];
    const bursts = r.bursts as {
      label: string;
      concurrent: number;
      ok: number;
      sessionCalls: number;
      wallMs: number;
    }[];
    const memory = r.memory as Record<string, NodeJS.MemoryUsage>;
    const load = r.loadAverage as { before: number; after: number };
    return [
      `${o.name} (${o.seconds.toFixed(1)} s; ${r.connections} connections × ${r.seconds} s; load average ` +
        `${load.before.toFixed(2)} → ${load.after.toFixed(2)})`,
      table(
        [
          'run',
          'req/s',
          'p50 ms',
          'p99 ms',
          'errors',
          'non-2xx',
          'mismatch',
          'CPU ms/req',
          'session',
          'session/req',
        ],
        runs.map((x) => [
          String(x.name),
          Math.round(Number(x.requestsPerSecond)),
          Number(x.p50Ms),
          Number(x.p99Ms),
          Number(x.errors),
          Number(x.non2xx),
          Number(x.mismatches),
          Number(x.serverCpuMsPerRequest).toFixed(3),
          x.sessionCalls ?? '-',
          x.sessionCallsPerRequest === undefined ? '-' : Number(x.sessionCallsPerRequest).toFixed(3),
        ]),
      ),
      `${bursts[0]?.concurrent} concurrent tools/list with one token (cold: a fresh token; warm: the same again):`,
      ...bursts.map(
        (b) =>
          `  ${b.label}: ${b.ok}/${b.concurrent} ok, ${b.sessionCalls} session call(s), ${b.wallMs.toFixed(0)} ms`,
      ),
      `gateway RSS / heap used (MiB): ${Object.entries(memory)
        .map(([k, m]) => `${k} ${mib(m.rss)} / ${mib(m.heapUsed)}`)
        .join('; ')}`,
    ].join('\n');
  }
  return `${o.name}: ok (${o.seconds.toFixed(1)} s; see its output above)`;
}

async function main(): Promise<void> {
  const { names, json } = parseArgs(process.argv.slice(2));
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => names.length === 0 || names.some((n) => f.includes(n)))
    .sort();
  if (files.length === 0) throw new Error(`no benchmark in bench/ matches ${names.join(', ')}`);
  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    loadAverage: loadavg()[0],
  };
  const work = mkdtempSync(join(tmpdir(), 'bench-'));
  const outcomes: Outcome[] = [];
  try {
    for (const file of files) {
      const name = basename(file, '.bench.ts');
      console.log(`\n=== ${name} (bench/${file})`);
      outcomes.push({ name, ...(await runOne(join(__dirname, file), join(work, `${name}.json`))) });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    `\n=== summary: node ${machine.node}, ${machine.cpus} CPUs (${machine.cpu}), load average ` +
      `${machine.loadAverage.toFixed(2)} at start; client and servers share these CPUs\n`,
  );
  console.log(outcomes.map(summarize).join('\n\n'));
  if (json) {
    writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), machine, outcomes }, null, 2));
    console.log(`\nresults written to ${json}`);
  }
  if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
