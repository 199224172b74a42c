import { run } from "../tools/commands/usage";
import { program } from "../tools/program";
import type { ToolResult } from "./cli";

type Write = typeof process.stdout.write;

/** A stand-in for a stream's `write` that keeps what is written. */
function collector(into: string[]): Write {
    return ((chunk: string | Uint8Array, encoding?: unknown, callback?: unknown) => {
        into.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
        const done = typeof encoding === "function" ? encoding : callback;
        if (typeof done === "function") process.nextTick(done as () => void);
        return true;
    }) as Write;
}

/** Timers and immediates pending: one the command leaves behind would keep a real process from exiting. */
const pendingTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout" || kind === "Immediate").length;

/**
 * Signal listeners a command installs for its run and must take away again on every path. ("exit" is not
 * counted: @pulumi/pulumi adds one hook per process, on its first promise, to report leaked promises.)
 */
const PROCESS_EVENTS = ["SIGINT", "SIGTERM"] as const;
const processListeners = () => PROCESS_EVENTS.map((event) => process.listenerCount(event));

async function captured(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<ToolResult> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const saved = {
        out: process.stdout.write,
        err: process.stderr.write,
        exit: process.exit,
        cwd: process.cwd(),
        env: { ...process.env },
        exitCode: process.exitCode,
    };
    const timersBefore = pendingTimers();
    const listenersBefore = processListeners();
    process.stdout.write = collector(stdout);
    process.stderr.write = collector(stderr);
    // Errors below name the command only: its arguments may hold a value a test proves is never echoed.
    // A command ends by setting exitCode; one that called process.exit would end the test run instead.
    process.exit = ((code?: number) => {
        throw new Error(`egress-remediation ${args[0] ?? ""} called process.exit(${code ?? ""}); commands set process.exitCode`);
    }) as typeof process.exit;
    process.exitCode = undefined;
    try {
        if (options.cwd) process.chdir(options.cwd);
        if (options.env) {
            for (const key of Object.keys(process.env)) delete process.env[key];
            Object.assign(process.env, options.env);
        }
        await run(program(), args);
        const left = pendingTimers() - timersBefore;
        if (left > 0) throw new Error(`egress-remediation ${args[0] ?? ""} left ${left} timer(s) running: a real process would not exit`);
        const listeners = processListeners();
        const leaked = PROCESS_EVENTS.filter((_, i) => listeners[i] > listenersBefore[i]);
        if (leaked.length) throw new Error(`egress-remediation ${args[0] ?? ""} left ${leaked.join(", ")} listener(s) installed`);
        return { status: Number(process.exitCode ?? 0), stdout: stdout.join(""), stderr: stderr.join("") };
    } finally {
        process.stdout.write = saved.out;
        process.stderr.write = saved.err;
        process.exit = saved.exit;
        process.chdir(saved.cwd);
        // Restored whether or not the run was given an environment: the command may have written to it.
        for (const key of Object.keys(process.env)) delete process.env[key];
        Object.assign(process.env, saved.env);
        process.exitCode = saved.exitCode;
    }
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `egress-remediation <args>` inside this process, as `tools/main.ts` does, and returns what a
 * child process would: the exit code and everything written to stdout and stderr. It costs a fraction
 * of a whole Node process (which loads the SDKs again each time), so most command-line tests use it;
 * a few keep `runCli` to prove the real entry point. Runs one at a time: the working directory, the
 * environment, the streams and process.exit are the whole worker's, swapped for the run and put back.
 */
export function runCliInProcess(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
    const result = queue.then(() => captured(args, options));
    queue = result.catch(() => undefined);
    return result;
}
