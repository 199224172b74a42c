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

async function captured(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<ToolResult> {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const saved = { out: process.stdout.write, err: process.stderr.write, cwd: process.cwd(), env: { ...process.env }, exitCode: process.exitCode };
    process.stdout.write = collector(stdout);
    process.stderr.write = collector(stderr);
    process.exitCode = undefined;
    try {
        if (options.cwd) process.chdir(options.cwd);
        if (options.env) {
            for (const key of Object.keys(process.env)) delete process.env[key];
            Object.assign(process.env, options.env);
        }
        await run(program(), args);
        return { status: Number(process.exitCode ?? 0), stdout: stdout.join(""), stderr: stderr.join("") };
    } finally {
        process.stdout.write = saved.out;
        process.stderr.write = saved.err;
        process.chdir(saved.cwd);
        if (options.env) {
            for (const key of Object.keys(process.env)) delete process.env[key];
            Object.assign(process.env, saved.env);
        }
        process.exitCode = saved.exitCode;
    }
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `egress-remediation <args>` inside this process, as `tools/main.ts` does, and returns what a
 * child process would: the exit code and everything written to stdout and stderr. It costs a fraction
 * of a whole Node process (which loads the SDKs again each time), so most command-line tests use it;
 * a few keep `runCli` to prove the real entry point. Runs one at a time: the working directory, the
 * environment and the streams are the process's own.
 */
export function runCliInProcess(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
    const result = queue.then(() => captured(args, options));
    queue = result.catch(() => undefined);
    return result;
}
