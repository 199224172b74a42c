import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { Deployment, OperationOptions, PreviewOutcome, StackConfigMap, StackOperations, UpdateRecord } from "../tools/rollback/stackOperations";

/** The fake's "encryption": enough to tell ciphertext from plaintext in a stack file. */
export const encrypt = (value: string) => `v1:${Buffer.from(value).toString("base64")}`;
const decrypt = (cipher: string) => Buffer.from(cipher.slice(3), "base64").toString();

/** A stack file's `config:` as `pulumi config --json` reports it (structured values as JSON text). */
export function stackFileConfigOf(text: string): StackConfigMap {
    const config = (parseDocument(text).toJS() as { config?: Record<string, unknown> }).config ?? {};
    return Object.fromEntries(
        Object.entries(config).map(([key, value]) => {
            if (value && typeof value === "object" && "secure" in value) return [key, { value: decrypt((value as { secure: string }).secure), secret: true }];
            return [key, { value: typeof value === "string" ? value : JSON.stringify(value) }];
        }),
    );
}

export function updateRecord(version: number, fields: Partial<UpdateRecord> & { commit?: string; dirty?: boolean }): UpdateRecord {
    const { commit, dirty, ...rest } = fields;
    return {
        version,
        kind: "update",
        result: "succeeded",
        startTime: new Date(Date.UTC(2026, 0, 23, 6, version)).toISOString(),
        environment: commit ? { "git.head": commit, "git.dirty": dirty ? "true" : "false" } : {},
        config: {},
        ...rest,
    };
}

export const deployment = (resources: Deployment["deployment"]["resources"], pending: unknown[] = []): Deployment => ({
    version: 3,
    deployment: { manifest: { time: "2026-01-23T07:00:00Z" }, resources, ...(pending.length ? { pending_operations: pending } : {}) },
});

/**
 * "preview"/"up": block until rollback aborts the operation. "up-cli": run a child process standing
 * in for the Pulumi CLI, in the same process group, and fail when it exits (as the CLI does on Ctrl-C).
 */
type Blocking = "preview" | "up" | "up-cli" | undefined;

/**
 * A stack that replays recorded history against the workspace rollback opens it on: preview and up
 * record which program (index.ts) and stack file they saw there, so tests can tell a run of the
 * target's commit from a run of the user's checkout.
 */
export class FakeStack implements StackOperations {
    readonly stackName = "prod";
    workDir = "";
    readonly calls: string[] = [];
    /** What preview/up found in the workspace: its index.ts and stack file. */
    readonly seen: {
        op: string;
        program: string;
        stackFile: string;
        planFile: string;
        message?: string;
        nodeModules: "link" | "folder" | "none";
        /** `git status --porcelain` in the workspace: what Pulumi's git.dirty would see. */
        status: string;
    }[] = [];
    pending = 0;
    state: Deployment = deployment([]);
    checkpoints = new Map<number, Deployment>();
    imported?: Deployment;
    previewResult: PreviewOutcome = { steps: [], changeSummary: { update: 1, same: 31 }, policyViolations: [] };
    upError?: Error;
    previewError?: Error;
    /** Runs after the preview: lets a test move the stack between preview and up. */
    afterPreview?: () => void;
    /** Blocks that operation until the signal aborts, after printing "BLOCKED <op>" (the signal tests). */
    block: Blocking;

    constructor(public records: UpdateRecord[]) {}

    open = async (_name: string, workDir: string): Promise<FakeStack> => {
        this.workDir = workDir;
        return this;
    };

    private get stackFilePath(): string {
        return path.join(this.workDir, "Pulumi.prod.yaml");
    }

    async history(showSecrets: boolean): Promise<UpdateRecord[]> {
        this.calls.push(`history(${showSecrets})`);
        const copy = structuredClone(this.records);
        if (!showSecrets) for (const r of copy) for (const entry of Object.values(r.config)) if (entry.secret) (entry as { value: string }).value = "[secret]";
        return copy;
    }

    async stackFileConfig(): Promise<StackConfigMap> {
        return fs.existsSync(this.stackFilePath) ? stackFileConfigOf(fs.readFileSync(this.stackFilePath, "utf8")) : {};
    }

    async setSecret(key: string, value: string): Promise<void> {
        this.calls.push(`setSecret(${key})`);
        const doc = parseDocument(fs.existsSync(this.stackFilePath) ? fs.readFileSync(this.stackFilePath, "utf8") : "config: {}\n");
        doc.setIn(["config", key], { secure: encrypt(value) });
        fs.writeFileSync(this.stackFilePath, doc.toString());
    }

    async exportState(update?: Pick<UpdateRecord, "version" | "startTime">): Promise<Deployment> {
        this.calls.push(update ? `exportState(${update.version})` : "exportState()");
        if (!update) {
            const current = structuredClone(this.state);
            return this.pending ? { ...current, deployment: { ...current.deployment, pending_operations: new Array(this.pending).fill({}) } } : current;
        }
        const found = this.checkpoints.get(update.version);
        if (!found) throw new Error(`no checkpoint ${update.version}`);
        return structuredClone(found);
    }

    async importState(d: Deployment): Promise<void> {
        this.calls.push("importState");
        this.imported = d;
        this.state = structuredClone(d);
    }

    async preview(options: OperationOptions): Promise<PreviewOutcome> {
        this.calls.push(`preview(${options.policyPack})`);
        this.record("preview", options);
        if (this.block === "preview") await this.blockUntilAborted("preview", options.signal);
        if (this.previewError) throw this.previewError;
        this.afterPreview?.();
        return this.previewResult;
    }

    async up(options: OperationOptions & { message: string; onOutput: (line: string) => void }): Promise<Record<string, number>> {
        this.calls.push(`up(${options.policyPack})`);
        this.record("up", options);
        if (this.block === "up") await this.blockUntilAborted("up", options.signal);
        if (this.block === "up-cli") await this.runStandInCli(options.signal);
        if (this.upError) throw this.upError;
        options.onOutput("Updating (prod)");
        return { update: 1, same: 31 };
    }

    private record(op: string, options: OperationOptions & { message?: string }): void {
        const read = (name: string) => (fs.existsSync(path.join(this.workDir, name)) ? fs.readFileSync(path.join(this.workDir, name), "utf8") : "");
        // The node_modules Node's lookup would find from the program: the nearest one upwards.
        let modules = "";
        for (let dir = this.workDir; !modules && dir !== path.dirname(dir); dir = path.dirname(dir)) {
            if (fs.existsSync(path.join(dir, "node_modules"))) modules = path.join(dir, "node_modules");
        }
        const nodeModules = !modules ? "none" : fs.lstatSync(modules).isSymbolicLink() ? "link" : "folder";
        this.seen.push({
            op,
            program: read("index.ts"),
            stackFile: read("Pulumi.prod.yaml"),
            planFile: options.planFile,
            message: options.message,
            nodeModules,
            status: execFileSync("git", ["status", "--porcelain"], { cwd: this.workDir, encoding: "utf8" }),
        });
    }

    private blockUntilAborted(op: string, signal: AbortSignal): Promise<never> {
        process.stdout.write(`BLOCKED ${op} ${this.workDir}\n`);
        // Stands in for the CLI child process, which keeps the event loop alive while it runs.
        const running = setInterval(() => undefined, 1000);
        return new Promise((_, reject) => {
            const fail = () => {
                clearInterval(running);
                reject(Object.assign(new Error(`pulumi ${op} cancelled`), { commandResult: { stderr: `error: ${op} canceled` } }));
            };
            if (signal.aborted) fail();
            signal.addEventListener("abort", fail);
        });
    }

    private runStandInCli(signal: AbortSignal): Promise<never> {
        const cli = spawn(
            process.execPath,
            ["-e", "process.on('SIGINT', () => process.exit(255)); setTimeout(() => process.exit(3), 60000); console.log('ready')"],
            { stdio: ["ignore", "pipe", "inherit"] },
        );
        return new Promise((_, reject) => {
            cli.stdout.once("data", () => process.stdout.write(`BLOCKED up-cli ${this.workDir}\n`));
            cli.on("exit", (code) => {
                process.stdout.write(`CLI exited ${code}; rollback aborted it: ${signal.aborted}\n`);
                reject(Object.assign(new Error("pulumi up cancelled"), { commandResult: { stderr: "error: update canceled" } }));
            });
        });
    }
}
