import * as path from "path";
import { CommandResult, run } from "../tools/engine/sandbox";

export const REPO = path.resolve(__dirname, "..");

export type ToolResult = CommandResult;

/**
 * Runs a tool as `npm run <tool>` does (tools/launch.js: compiled when the build is current,
 * ts-node otherwise). Asynchronous, so a suite can start several at once.
 */
export function runTool(tool: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<ToolResult> {
    return run(process.execPath, [path.join(REPO, "tools/launch.js"), tool, ...args], {
        cwd: options.cwd ?? REPO,
        env: options.env ?? process.env,
        signal: options.signal,
    });
}

/** Runs `egress-remediation <args>` as the bin entry does. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {}): Promise<ToolResult> {
    return runTool("tools/main", args, options);
}
