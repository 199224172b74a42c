import { spawn } from "child_process";
import * as path from "path";

export const REPO = path.resolve(__dirname, "..");

export interface ToolResult {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Runs a tool as `npm run <tool>` does (tools/launch.js: compiled when the build is current,
 * ts-node otherwise). Asynchronous, so a suite can start several at once.
 */
export function runTool(tool: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(REPO, "tools/launch.js"), tool, ...args], {
            cwd: options.cwd ?? REPO,
            env: options.env ?? process.env,
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
}

/** Runs `egress-remediation <args>` as the bin entry does. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
    return runTool("tools/main", args, options);
}
