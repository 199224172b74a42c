import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CommandResult, run } from "../tools/engine/sandbox";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isBuildCurrent, stampOf } = require("../tools/buildStamp") as { isBuildCurrent(root: string): boolean; stampOf(root: string): string };

export const REPO = path.resolve(__dirname, "..");

export type ToolResult = CommandResult;

/** Set in mocha's `--parallel` workers; their main process runs the global setup. */
const IN_PARALLEL_WORKER = process.env.MOCHA_WORKER_ID !== undefined;

/**
 * At most this many tool processes at once per mocha process, whatever a suite's `before` hook asks for:
 * each is a whole Node process, and on a loaded 2-core machine eight at once ran past mocha's timeout.
 * Under `--parallel` each worker (MOCHA_WORKER_ID set) keeps one running: the workers themselves already
 * fill the cores.
 */
const MAX_PROCESSES = IN_PARALLEL_WORKER ? 1 : 2;
let running = 0;
const waiting: (() => void)[] = [];

async function bounded<T>(start: () => Promise<T>): Promise<T> {
    if (running >= MAX_PROCESSES) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
        return await start();
    } finally {
        running--;
        waiting.shift()?.();
    }
}

let built = false;

/**
 * Compiles out/ once for all tool tests when a source is newer than the build: tools/launch.js runs the
 * compiled tools only then, and otherwise transpiles every source on each start (about 3 s more per process).
 */
export function buildOnce(): void {
    if (built) return;
    built = true;
    // mocha's global setup has built (or failed to build) out/ already, in the main process.
    if (IN_PARALLEL_WORKER) return;
    if (isBuildCurrent(REPO)) return;
    try {
        execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(REPO, "tsconfig.build.json")], { cwd: REPO, stdio: "ignore" });
        // An incremental build that finds nothing to emit leaves the stamp as it was; mark it current.
        const now = new Date();
        fs.utimesSync(stampOf(REPO), now, now);
    } catch {
        // A type error leaves out/ stale: launch.js then runs the sources, and `tsc -p .` in npm test names the error.
    }
}

/**
 * The compiled module of a source under the repository (`config/secretConfig` → out/config/secretConfig.js),
 * for a child process: requiring it there costs a fraction of loading ts-node to transpile the source.
 */
export function compiledModule(source: string): string {
    buildOnce();
    return path.join(REPO, "out", `${source}.js`);
}

/**
 * Runs a tool as `npm run <tool>` does (tools/launch.js: compiled when the build is current,
 * ts-node otherwise). Asynchronous, so a suite can start several at once; they run two at a time.
 */
export function runTool(tool: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<ToolResult> {
    buildOnce();
    return bounded(() =>
        run(process.execPath, [path.join(REPO, "tools/launch.js"), tool, ...args], {
            cwd: options.cwd ?? REPO,
            env: options.env ?? process.env,
            signal: options.signal,
        }),
    );
}

/** Runs `egress-remediation <args>` as the bin entry does. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<ToolResult> {
    return runTool("tools/main", args, options);
}
