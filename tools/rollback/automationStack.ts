import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { fileBackendCheckpoint, fileBackendDir } from "./diyCheckpoints";
import { RollbackRefused } from "./planRollback";
import { Deployment, OperationOptions, PreviewOutcome, StackConfigMap, StackOperations, UpdateRecord } from "./stackOperations";

/** What AutomationStack uses of the Automation API's Stack and LocalWorkspace. */
export type AutomationApiStack = Pick<Stack, "name" | "history" | "getAllConfig" | "importStack" | "preview" | "up">;
export type AutomationApiWorkspace = Pick<LocalWorkspace, "whoAmI" | "envVars" | "pulumiHome" | "pulumiCommand">;

export interface CommandResult {
    readonly failed: boolean;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a command with `stdin` as its whole input and resolves when it ends, failed or not. */
export type RunCommand = (
    command: string,
    args: string[],
    options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly maxBuffer: number; readonly stdin: string },
) => Promise<CommandResult>;

const runCommand: RunCommand = (command, args, { stdin, ...options }) =>
    new Promise((resolve) => {
        const child = execFile(command, args, options, (error, stdout, stderr) => resolve({ failed: !!error, stdout, stderr }));
        child.stdin?.end(stdin);
    });

/**
 * StackOperations over the Automation API's LocalWorkspace, opened on a temporary worktree (the CLI
 * rewrites the stack file there, never in the user's checkout). Three things the Automation API
 * cannot do without putting values on the command line or in plaintext go to the same CLI binary
 * directly: `config set --secret` with the value on stdin, and `stack export [--version N]`, which
 * keeps secrets as ciphertext (the Automation API's exportStack adds --show-secrets).
 */
export class AutomationStack implements StackOperations {
    /** `open` is the real entry; tests pass fakes of the stack, the workspace and the command runner. */
    constructor(
        private readonly stack: AutomationApiStack,
        private readonly workspace: AutomationApiWorkspace,
        private readonly workDir: string,
        private readonly run: RunCommand = runCommand,
    ) {}

    static async open(stackName: string, workDir: string): Promise<AutomationStack> {
        const stack = await LocalWorkspace.selectStack({ stackName, workDir });
        return new AutomationStack(stack, stack.workspace as LocalWorkspace, workDir);
    }

    get stackName(): string {
        return this.stack.name;
    }

    async history(showSecrets: boolean): Promise<UpdateRecord[]> {
        return (await this.stack.history(undefined, undefined, showSecrets)) as unknown as UpdateRecord[];
    }

    async stackFileConfig(): Promise<StackConfigMap> {
        return this.stack.getAllConfig();
    }

    async setSecret(key: string, value: string): Promise<void> {
        // `pulumi config set` reads the value from stdin when it is not a terminal; --raw keeps it byte for byte.
        await this.cli(["config", "set", "--secret", "--raw", "--stack", this.stackName, "--non-interactive", "--", key], value);
    }

    async exportState(update?: Pick<UpdateRecord, "version" | "startTime">): Promise<Deployment> {
        if (update === undefined) return JSON.parse(await this.cli(["stack", "export", "--stack", this.stackName, "--non-interactive"])) as Deployment;
        const url = (await this.workspace.whoAmI()).url;
        const dir = fileBackendDir(url);
        if (dir) return this.fileCheckpoint(dir, update);
        if (url && !/^https?:\/\//.test(url)) {
            throw new RollbackRefused(
                `the backend ${url} keeps prior checkpoints in .pulumi/history/<project>/<stack>/ but rollback reads them only from a file:// backend; copy that folder to a file backend or import the checkpoint by hand`,
            );
        }
        return JSON.parse(
            await this.cli(["stack", "export", "--stack", this.stackName, "--version", String(update.version), "--non-interactive"]),
        ) as Deployment;
    }

    async importState(deployment: Deployment): Promise<void> {
        await this.stack.importStack(deployment as Parameters<Stack["importStack"]>[0]);
    }

    async preview(options: OperationOptions): Promise<PreviewOutcome> {
        const steps: PreviewOutcome["steps"] = [];
        const policyViolations: string[] = [];
        try {
            const result = await this.stack.preview({
                ...packAndTargets(options),
                plan: options.planFile,
                signal: options.signal,
                onEvent: (event) => collect(event, steps, policyViolations),
            });
            return { steps, changeSummary: result.changeSummary as Record<string, number>, policyViolations };
        } catch (error) {
            // A mandatory violation fails the preview; the events say which.
            if (policyViolations.length > 0) return { steps, changeSummary: {}, policyViolations };
            throw error;
        }
    }

    async up(options: OperationOptions & { message: string; onOutput: (line: string) => void }): Promise<Record<string, number>> {
        const result = await this.stack.up({
            ...packAndTargets(options),
            plan: options.planFile,
            message: options.message,
            signal: options.signal,
            onOutput: (out) => out.trimEnd() && options.onOutput(out.trimEnd()),
        });
        return (result.summary.resourceChanges ?? {}) as Record<string, number>;
    }

    private fileCheckpoint(dir: string, update: Pick<UpdateRecord, "version" | "startTime">): Deployment {
        const project = (parse(fs.readFileSync(path.join(this.workDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
        const startSeconds = Math.floor(new Date(update.startTime).getTime() / 1000);
        return fileBackendCheckpoint(dir, project, this.stackName.split("/").pop()!, update.version, startSeconds);
    }

    /** The workspace's own CLI binary and environment; arguments never carry a config value. */
    private async cli(args: string[], stdin?: string): Promise<string> {
        const env = { ...process.env, ...this.workspace.envVars, ...(this.workspace.pulumiHome ? { PULUMI_HOME: this.workspace.pulumiHome } : {}) };
        // A state export of a large stack passes execFile's 1 MiB default by far.
        const options = { cwd: this.workDir, env, maxBuffer: 512 * 1024 * 1024, stdin: stdin ?? "" };
        const result = await this.run(this.workspace.pulumiCommand.command, args, options);
        if (result.failed) throw Object.assign(new Error(`pulumi ${args.slice(0, 2).join(" ")} failed`), { commandResult: { stderr: result.stderr } });
        return result.stdout;
    }
}

function packAndTargets(options: OperationOptions): { policyPacks: string[]; policyPackConfigs?: string[]; target?: string[] } {
    return {
        policyPacks: [options.policyPack],
        ...(options.policyPackConfig ? { policyPackConfigs: [options.policyPackConfig] } : {}),
        ...(options.targets?.length ? { target: [...options.targets] } : {}),
    };
}

function collect(event: EngineEvent, steps: PreviewOutcome["steps"][number][], violations: string[]): void {
    const meta = event.resourcePreEvent?.metadata;
    if (meta) steps.push({ op: meta.op, urn: meta.urn, type: meta.type, protect: !!(meta.old?.protect || meta.new?.protect) });
    const policy = event.policyEvent;
    if (policy && policy.enforcementLevel === "mandatory") violations.push(`${policy.policyName}: ${policy.message}`);
}
