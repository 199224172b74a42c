import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ACCOUNT_FILE_VARIABLE, AccountData } from "../../simulator/account";
import { packageRoot } from "../version";

// The repository, also when this runs compiled from out/ (the project, simulator/bin and node_modules live there).
const REPO = packageRoot() ?? path.resolve(__dirname, "../..");
const SIMULATOR_BIN = path.join(REPO, "simulator", "bin");
/** What a copy of the project leaves out: dependencies are linked, and build output and history are not needed. */
const NOT_COPIED = new Set(["node_modules", ".git", "out", "engine", "scratch", ".venv-moto"]);

export interface CommandResult {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

export interface SandboxOptions {
    /** The folder holding the `pulumi` and `pulumi-language-nodejs` executables to run. */
    readonly cliDir: string;
    /** The account the simulated provider starts from. */
    readonly account: AccountData;
    /** The project to copy; the repository by default. */
    readonly projectDir?: string;
    /** Passphrase of the throw-away backend's secrets provider. */
    readonly passphrase?: string;
}

/**
 * A throw-away world for the real Pulumi CLI: a copy of the project (its node_modules linked), its own
 * PULUMI_HOME, a file backend, a passphrase, no update checks or plugin downloads, and the simulated AWS
 * account as the only `aws` plugin on the PATH. Nothing in it can reach AWS or the user's own stacks.
 */
export class EngineSandbox {
    private constructor(
        readonly root: string,
        readonly cliDir: string,
        readonly projectDir: string,
        readonly accountFile: string,
        readonly env: NodeJS.ProcessEnv,
    ) {}

    static create(options: SandboxOptions): EngineSandbox {
        const root = fs.mkdtempSync(path.join(os.tmpdir(), "egress-engine-"));
        const source = options.projectDir ?? REPO;
        const projectDir = path.join(root, "project");
        fs.cpSync(source, projectDir, { recursive: true, filter: (from) => !NOT_COPIED.has(path.basename(from)) || path.dirname(from) !== source });
        fs.symlinkSync(path.join(source, "node_modules"), path.join(projectDir, "node_modules"), "dir");
        const accountFile = path.join(root, "account.json");
        fs.writeFileSync(accountFile, JSON.stringify(options.account, null, 2));
        fs.mkdirSync(path.join(root, "backend"));
        return new EngineSandbox(root, options.cliDir, projectDir, accountFile, sandboxEnvironment(root, options, accountFile));
    }

    /** Runs `pulumi <args>` in the project copy; resolves with its exit status and output, never rejects on failure. */
    pulumi(args: readonly string[], options: { cwd?: string; signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
        const env = { ...this.env, ...options.env };
        return run(path.join(this.cliDir, "pulumi"), args, { cwd: options.cwd ?? this.projectDir, env, signal: options.signal });
    }

    account(): AccountData {
        return JSON.parse(fs.readFileSync(this.accountFile, "utf8")) as AccountData;
    }

    dispose(): void {
        fs.rmSync(this.root, { recursive: true, force: true });
    }
}

function sandboxEnvironment(root: string, options: SandboxOptions, accountFile: string): NodeJS.ProcessEnv {
    // No AWS credentials or Pulumi Cloud settings of the caller's leak in: the simulation needs none.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(AWS_|PULUMI_)/.test(key)));
    return {
        ...inherited,
        // The simulator first: a folder that also holds a real pulumi-resource-aws (some installs ship one beside
        // the CLI) must never win. And no credentials of the user's can be found, should any real provider start.
        PATH: [SIMULATOR_BIN, options.cliDir, process.env.PATH].join(path.delimiter),
        AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
        AWS_CONFIG_FILE: "/dev/null",
        AWS_EC2_METADATA_DISABLED: "true",
        PULUMI_HOME: path.join(root, "home"),
        PULUMI_BACKEND_URL: `file://${path.join(root, "backend")}`,
        PULUMI_CONFIG_PASSPHRASE: options.passphrase ?? randomBytes(24).toString("base64"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        // The test suite type-checks once with tsc; each engine run only transpiles the program.
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        [ACCOUNT_FILE_VARIABLE]: accountFile,
    };
}

export interface RunOptions {
    readonly cwd: string;
    readonly env: NodeJS.ProcessEnv;
    /** Stops the command (and every process it started) after this long. @default 30 minutes */
    readonly timeoutMs?: number;
    /** Aborting asks the command to cancel, as a Ctrl-C would, and stops it for good after a grace period. */
    readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
/** How long a cancelled CLI gets to reach a safe point (and its plugins to exit) before it is killed. */
const GRACE_MS = 60_000;
const runningGroups = new Set<number>();
// A test run or a tool that exits for any reason leaves no engine, plugin or language host behind.
process.once("exit", () => runningGroups.forEach((group) => killGroup(group, "SIGKILL")));

function killGroup(group: number, signal: NodeJS.Signals): void {
    try {
        process.kill(-group, signal);
    } catch {
        // Already gone.
    }
}

/**
 * Runs a command in its own process group, so that stopping it also stops the plugins and language host
 * the Pulumi CLI started. Resolves with the exit status and output; never rejects on a failing command.
 */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
        const group = child.pid;
        if (group !== undefined) runningGroups.add(group);
        let stdout = "";
        let stderr = "";
        let stoppedBecause: string | undefined;
        const timers: NodeJS.Timeout[] = [];
        const stop = (reason: string, signal: NodeJS.Signals) => {
            if (stoppedBecause || group === undefined) return;
            stoppedBecause = reason;
            killGroup(group, signal);
            timers.push(setTimeout(() => killGroup(group, "SIGKILL"), GRACE_MS));
        };
        const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        timers.push(setTimeout(() => stop(`timed out after ${Math.round(timeoutMs / 1000)} s`, "SIGTERM"), timeoutMs));
        const onAbort = () => stop("interrupted", "SIGINT");
        if (options.signal?.aborted) onAbort();
        options.signal?.addEventListener("abort", onAbort, { once: true });
        const finish = () => {
            timers.forEach(clearTimeout);
            options.signal?.removeEventListener("abort", onAbort);
            if (group !== undefined) runningGroups.delete(group);
        };
        child.stdout.on("data", (chunk) => (stdout += chunk));
        child.stderr.on("data", (chunk) => (stderr += chunk));
        child.on("error", (error) => {
            finish();
            reject(error);
        });
        child.on("close", (status) => {
            finish();
            resolve({ status, stdout, stderr: stoppedBecause ? `${stderr}${path.basename(command)} ${stoppedBecause}\n` : stderr });
        });
    });
}
