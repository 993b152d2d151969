#!/usr/bin/env node
// The peer of Sesame's benchmark: better-auth's emailOTP plugin on better-sqlite3, doing the same
// workloads as bench/ (see bench/README.md and the result format there).
//
//   node bench/peer/peer.mjs --workload <name> [--ops N | --seconds S] [--dir DIR] [--users N]
//                            [--no-strace]
//
// Workloads: round.normal.1t, round.normal.2t, round.full.1t, round.full.2t, check.normal.1t,
// check.normal.2t ("2t" = two processes on one SQLite file). Prints one JSON line per workload on
// stdout; everything else goes to stderr.
//
// How it runs: this process makes the database (WAL, synchronous=OFF for the setup), runs
// better-auth's migrations and, in a first untimed pass, signs every user up (one full round each,
// which creates the user and, for the check workloads, the session whose cookie is checked). It
// keeps its connection open, so that a worker closing the file never checkpoints it. Then it forks
// one or two worker processes of this same file, which open the file with the same pragmas, warm
// up and wait; once all are ready they start together and each times its own operations. Rounds
// that fail (two processes get SQLITE_BUSY from better-auth's deferred transactions) are counted in
// "failed" and not timed. A second pass of fresh workers runs the same operations under
// `strace -f -c -e trace=fsync,fdatasync`, attached only once the workers are ready, to count
// fsyncs per operation without timing anything under a tracer.
import { fork, spawn } from "node:child_process";
import { existsSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// better-auth and its dependencies may log; stdout carries only the result lines.
console.log = console.error;
console.info = console.error;
console.warn = console.error;
console.debug = console.error;
delete process.env.BETTER_AUTH_TELEMETRY;

const SELF = fileURLToPath(import.meta.url);
const SECRET = "sesame-bench-peer-secret-0123456789abcdef0123456789";
const BASE_URL = "http://127.0.0.1:3000";

const WORKLOADS = {
  "round.normal.1t": { kind: "round", sync: "normal", procs: 1 },
  "round.normal.2t": { kind: "round", sync: "normal", procs: 2 },
  "round.full.1t": { kind: "round", sync: "full", procs: 1 },
  "round.full.2t": { kind: "round", sync: "full", procs: 2 },
  "check.normal.1t": { kind: "check", sync: "normal", procs: 1 },
  "check.normal.2t": { kind: "check", sync: "normal", procs: 2 },
};

const USAGE = `usage: peer.mjs --workload <name> [--ops N | --seconds S] [--dir DIR] [--users N] [--no-strace]
workloads: ${Object.keys(WORKLOADS).join(", ")}`;

function die(message, code = 2) {
  process.stderr.write(`peer: ${message}\n`);
  process.exit(code);
}

// ---------------------------------------------------------------------------------------------
// Counting write transactions. better-auth reaches SQLite only through better-sqlite3 statements
// (its Kysely dialect prepares every query, `begin`/`commit`/`rollback` included, and runs it with
// run() or all()). A write transaction is one in which a statement that writes (sqlite3_stmt_readonly
// false) ran without SQLITE_BUSY: outside an explicit transaction that statement is its own write
// transaction; inside one, the transaction counts once when it ends (commit or rollback: the write
// lock was taken either way). A path this wrapper cannot see (iterate(), exec(), db.transaction())
// makes the count unknown, and the row then says null.
function installWriteCounter(Database) {
  const counter = { writeTxns: 0, statements: 0, unseen: 0, txnWrote: false };
  const probe = new Database(":memory:");
  const Statement = Object.getPrototypeOf(probe.prepare("select 1"));
  probe.close();
  const busy = (error) => typeof error?.code === "string" && error.code.startsWith("SQLITE_BUSY");
  for (const method of ["run", "get", "all"]) {
    const original = Statement[method];
    Statement[method] = function counted(...args) {
      const db = this.database;
      const before = db.inTransaction;
      const writes = !this.readonly;
      const takesLock = /^\s*begin\s+(immediate|exclusive)\b/i.test(this.source);
      let lockTaken = true;
      try {
        return original.apply(this, args);
      } catch (error) {
        if (busy(error)) lockTaken = false;
        throw error;
      } finally {
        counter.statements += 1;
        const after = db.inTransaction;
        if (lockTaken && (writes || takesLock)) {
          if (after) counter.txnWrote = true;
          else if (!before) counter.writeTxns += 1;
          else counter.txnWrote = true; // a write that ended the transaction (error rollback)
        }
        if (before && !after) {
          if (counter.txnWrote) counter.writeTxns += 1;
          counter.txnWrote = false;
        }
      }
    };
  }
  const Db = Database.prototype;
  for (const method of ["exec", "transaction"]) {
    const original = Db[method];
    Db[method] = function unseen(...args) {
      counter.unseen += 1;
      return original.apply(this, args);
    };
  }
  const originalIterate = Statement.iterate;
  Statement.iterate = function unseen(...args) {
    counter.unseen += 1;
    return originalIterate.apply(this, args);
  };
  return counter;
}

// ---------------------------------------------------------------------------------------------
// better-auth as PERFORMANCE.md describes it: emailOTP, the code captured in memory, rate limits
// off (the benchmark is one client hammering), telemetry off.
async function makeAuth(Database, file, sync) {
  const { betterAuth } = await import("better-auth");
  const { emailOTP } = await import("better-auth/plugins");
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${sync.toUpperCase()}`);
  const captured = new Map();
  const auth = betterAuth({
    database: db,
    secret: SECRET,
    baseURL: BASE_URL,
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { disabled: true },
    plugins: [
      emailOTP({
        async sendVerificationOTP({ email, otp }) {
          captured.set(email, otp);
        },
      }),
    ],
  });
  return { db, auth, captured };
}

function pragmas(db) {
  const journal = String(db.pragma("journal_mode", { simple: true })).toLowerCase();
  const sync = Number(db.pragma("synchronous", { simple: true }));
  const names = { 0: "off", 1: "normal", 2: "full", 3: "extra" };
  return { journal_mode: journal, synchronous: names[sync] ?? String(sync) };
}

async function round(ctx, email) {
  await ctx.auth.api.sendVerificationOTP({ body: { email, type: "sign-in" } });
  const otp = ctx.captured.get(email);
  ctx.captured.delete(email);
  if (!otp) throw new Error(`no code was captured for ${email}`);
  const result = await ctx.auth.api.signInEmailOTP({ body: { email, otp }, returnHeaders: true });
  const token = result?.response?.token;
  if (!token) throw new Error(`signInEmailOTP returned no session for ${email}`);
  const cookie = (result.headers.get("set-cookie") ?? "").split(";")[0];
  if (!cookie.includes("session_token=")) throw new Error("signInEmailOTP set no session cookie");
  return cookie;
}

async function check(ctx, cookie) {
  const session = await ctx.auth.api.getSession({ headers: new Headers({ cookie }) });
  if (!session?.session?.id) throw new Error("getSession found no session for a live cookie");
}

// ---------------------------------------------------------------------------------------------
// The worker: receives its items (emails or cookies) and its budget, warms up, reports ready,
// runs on "go", reports done with its timings and counts, and exits on "quit".
async function worker() {
  const { default: Database } = await import("better-sqlite3");
  const counter = installWriteCounter(Database);
  const message = () => new Promise((resolve) => process.once("message", resolve));
  const setup = await message();
  const ctx = await makeAuth(Database, setup.file, setup.sync);
  const op = setup.kind === "round" ? (item) => round(ctx, item) : (item) => check(ctx, item);
  const items = setup.items;
  let next = 0;
  const item = () => items[next++ % items.length];
  for (let i = 0; i < setup.warmup; i++) {
    try {
      await op(item());
    } catch {
      // warm-up failures (contention between the workers) are neither timed nor counted
    }
  }
  // The fdatasync calls on these two files mark, in the strace log, where the timed part begins
  // and ends.
  const markers = setup.markers?.map((path) => openSync(path, "w"));
  process.send({ ready: true, pid: process.pid, ...pragmas(ctx.db) });
  const go = await message();
  if (go.cmd !== "go") process.exit(1);
  if (markers) fdatasyncSync(markers[0]);

  counter.writeTxns = 0;
  counter.statements = 0;
  counter.unseen = 0;
  const latencies = [];
  const errors = new Map();
  let ops = 0;
  let failed = 0;
  const start = process.hrtime.bigint();
  const deadline = setup.seconds ? start + BigInt(Math.round(setup.seconds * 1e9)) : null;
  for (let i = 0; deadline ? process.hrtime.bigint() < deadline : i < setup.ops; i++) {
    const t0 = process.hrtime.bigint();
    try {
      await op(item());
      latencies.push(Number(process.hrtime.bigint() - t0) / 1000);
      ops += 1;
    } catch (error) {
      failed += 1;
      const key = String(error?.code ?? error?.message ?? error).slice(0, 200);
      errors.set(key, (errors.get(key) ?? 0) + 1);
    }
  }
  const end = process.hrtime.bigint();
  if (markers) fdatasyncSync(markers[1]);
  process.send({
    done: true,
    ops,
    failed,
    start: String(start),
    end: String(end),
    latencies,
    writeTxns: counter.unseen > 0 ? null : counter.writeTxns,
    statements: counter.statements,
    errors: [...errors],
  });
  await message(); // "quit": only then may the connection close
  ctx.db.close();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return Math.round(sorted[rank] * 10) / 10;
}

function parseArgs(argv) {
  const args = { strace: true, users: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value\n${USAGE}`);
      return argv[++i];
    };
    const positive = (name, text) => {
      const n = Number(text);
      if (!Number.isFinite(n) || n <= 0) die(`${name} must be a positive number, not "${text}"`);
      return n;
    };
    if (a === "--workload") args.workload = value();
    else if (a === "--ops") args.ops = Math.ceil(positive("--ops", value()));
    else if (a === "--seconds") args.seconds = positive("--seconds", value());
    else if (a === "--dir") args.dir = value();
    else if (a === "--users") args.users = Math.ceil(positive("--users", value()));
    else if (a === "--no-strace") args.strace = false;
    else if (a === "--help" || a === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else die(`unknown argument "${a}"\n${USAGE}`);
  }
  if (!args.workload) die(`--workload is required\n${USAGE}`);
  if (!WORKLOADS[args.workload]) die(`unknown workload "${args.workload}"\n${USAGE}`);
  if (args.ops && args.seconds) die("give --ops or --seconds, not both");
  if (!args.ops && !args.seconds) args.seconds = 2;
  return args;
}

// Starts the workers; with `traceLog` set, each runs under `strace -f --seccomp-bpf -e
// trace=fsync,fdatasync -o <traceLog>.<w>`: the seccomp filter stops a worker only at those two
// calls, so nothing else it does runs slower under the tracer.
function startWorkers(spec, file, items, budget, traceLog) {
  const workers = [];
  for (let w = 0; w < spec.procs; w++) {
    // Each worker gets its own users (2t = two clients logging in at once, as on the Sesame side).
    const mine = items.filter((_, i) => i % spec.procs === w);
    const options = { stdio: ["ignore", "inherit", "inherit", "ipc"] };
    const log = traceLog ? `${traceLog}.${w}` : null;
    const child = log
      ? spawn(
          "strace",
          ["-f", "-qq", "--seccomp-bpf", "-y", "-e", "trace=fsync,fdatasync", "-e", "signal=none", "-o", log,
            process.execPath, SELF, "--worker"],
          options,
        )
      : fork(SELF, ["--worker"], options);
    const messages = [];
    const waiters = [];
    child.on("message", (m) => (waiters.length ? waiters.shift()(m) : messages.push(m)));
    const exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    const next = () =>
      Promise.race([
        new Promise((resolve) => (messages.length ? resolve(messages.shift()) : waiters.push(resolve))),
        exited.then(({ code, signal }) => {
          throw new Error(`a worker exited early (code ${code}, signal ${signal})`);
        }),
      ]);
    child.send({
      file,
      sync: spec.sync,
      kind: spec.kind,
      items: mine,
      warmup: Math.min(20, mine.length),
      ops: budget.ops ? Math.ceil(budget.ops / spec.procs) : 0,
      seconds: budget.seconds ?? 0,
      markers: log ? [`${log}.begin`, `${log}.end`] : null,
    });
    workers.push({ child, next, exited, log });
  }
  return workers;
}

async function runPass(spec, file, items, budget, traceLog) {
  const workers = startWorkers(spec, file, items, budget, traceLog);
  const ready = [];
  for (const w of workers) ready.push(await w.next());
  for (const w of workers) w.child.send({ cmd: "go" });
  const done = [];
  for (const w of workers) done.push(await w.next());
  for (const w of workers) w.child.send({ cmd: "quit" });
  for (const w of workers) {
    const { code } = await w.exited;
    if (code !== 0) throw new Error(`a worker exited with code ${code}`);
  }
  let fsyncs = null;
  if (traceLog) {
    fsyncs = 0;
    for (const w of workers) {
      const counted = countFsyncs(readFileSync(w.log, "utf8"), `${w.log}.begin`, `${w.log}.end`);
      if (counted === null) {
        process.stderr.write(`peer: the strace log ${w.log} lacks the begin/end markers\n`);
        fsyncs = null;
        break;
      }
      fsyncs += counted;
    }
    for (const w of workers) for (const path of [w.log, `${w.log}.begin`, `${w.log}.end`]) rmSync(path, { force: true });
  }
  return { ready, done, fsyncs };
}

// The fsync and fdatasync calls in an strace log (-f -y: "<pid> fsync(<fd></path>>) = 0") between
// the worker's fdatasync on its begin marker file and the one on its end marker file.
function countFsyncs(log, begin, end) {
  let state = "before";
  let calls = 0;
  for (const line of log.split("\n")) {
    const m = /^(?:\d+\s+)?(fsync|fdatasync)\(\d+<([^>]*)>/.exec(line);
    if (!m) continue;
    if (m[2] === begin && state === "before") state = "counting";
    else if (m[2] === end && state === "counting") state = "after";
    else if (state === "counting") calls += 1;
  }
  return state === "after" ? calls : null;
}

function haveStrace() {
  const paths = (process.env.PATH ?? "").split(":");
  return paths.some((p) => p && existsSync(join(p, "strace")));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const spec = WORKLOADS[args.workload];
  const { default: Database } = await import("better-sqlite3");
  const { getMigrations } = await import("better-auth/db/migration");

  let ownDir = null;
  let dir = args.dir;
  if (dir) mkdirSync(dir, { recursive: true });
  else dir = ownDir = mkdtempSync(join(tmpdir(), "sesame-peer-"));
  const file = join(dir, `peer-${args.workload}.db`);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });

  try {
    // The setup is untimed and runs at synchronous=OFF; the workers set the workload's pragmas.
    const main = await makeAuth(Database, file, "off");
    const { runMigrations } = await getMigrations(main.auth.options);
    await runMigrations();
    // The untimed first pass: every user signs up once (one full round, which creates the user);
    // the check workloads keep the session cookies it made.
    const users = args.users ?? 200;
    const emails = Array.from({ length: users }, (_, i) => `client${i}@example.org`);
    const cookies = [];
    for (const email of emails) cookies.push(await round(main, email));
    const items = spec.kind === "round" ? emails : cookies;

    let traceLog = null;
    if (!args.strace) process.stderr.write("peer: --no-strace: fsync_per_op not counted\n");
    else if (!haveStrace()) process.stderr.write("peer: strace not found (Debian package strace): fsync_per_op not counted\n");
    else traceLog = join(dir, `peer-${args.workload}.strace`);

    const timed = await runPass(spec, file, items, args, traceLog);
    const ops = timed.done.reduce((n, d) => n + d.ops, 0);
    const failed = timed.done.reduce((n, d) => n + d.failed, 0);
    const start = timed.done.reduce((m, d) => (BigInt(d.start) < m ? BigInt(d.start) : m), BigInt(timed.done[0].start));
    const end = timed.done.reduce((m, d) => (BigInt(d.end) > m ? BigInt(d.end) : m), BigInt(timed.done[0].end));
    const seconds = Number(end - start) / 1e9;
    const latencies = timed.done.flatMap((d) => d.latencies).sort((a, b) => a - b);
    const txns = timed.done.some((d) => d.writeTxns === null) ? null : timed.done.reduce((n, d) => n + d.writeTxns, 0);
    const statements = timed.done.reduce((n, d) => n + d.statements, 0);
    for (const d of timed.done) {
      for (const [error, count] of d.errors) process.stderr.write(`peer: ${args.workload}: ${count} failed: ${error}\n`);
    }
    if (ops === 0) die(`${args.workload}: no operation succeeded`, 1);
    process.stderr.write(
      `peer: ${args.workload}: ${ops} ok, ${failed} failed in ${seconds.toFixed(3)} s, ` +
        `${(statements / (ops + failed)).toFixed(1)} SQL statements per attempt, ` +
        `${txns ?? "uncounted"} write transactions, ${timed.fsyncs ?? "uncounted"} fsync+fdatasync calls\n`,
    );
    const fsyncPerOp = timed.fsyncs === null ? null : timed.fsyncs / ops;

    const { journal_mode, synchronous } = timed.ready[0];
    const row = {
      impl: "peer",
      workload: args.workload,
      unit: "ops/s",
      value: Math.round((ops / seconds) * 10) / 10,
      ops,
      failed,
      p50_us: percentile(latencies, 0.5),
      p99_us: percentile(latencies, 0.99),
      write_txn_per_op: txns === null ? null : Math.round((txns / ops) * 1000) / 1000,
      fsync_per_op: fsyncPerOp === null ? null : Math.round(fsyncPerOp * 1000) / 1000,
      journal_mode,
      synchronous,
      threads: spec.procs,
    };
    process.stdout.write(`${JSON.stringify(row)}\n`);
    main.db.close();
  } finally {
    if (ownDir) rmSync(ownDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--worker") {
  worker().catch((error) => {
    process.stderr.write(`peer worker: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    process.stderr.write(`peer: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
}
