import { execFile } from "child_process";
import { promisify } from "util";
import { EngineEvent, LocalWorkspace, Stack } from "@pulumi/pulumi/automation";
import { PreviewOutcome, StackConfigMap, StackOperations, UpdateRecord } from "./stackOperations";

const run = promisify(execFile);

/** StackOperations over the Automation API: LocalWorkspace on this project, so the Pulumi CLI must be on PATH. */
export class AutomationStack implements StackOperations {
    private constructor(
        private readonly stack: Stack,
        private readonly workDir: string,
    ) {}

    static async select(stackName: string, workDir: string): Promise<AutomationStack> {
        return new AutomationStack(await LocalWorkspace.selectStack({ stackName, workDir }), workDir);
    }

    get stackName(): string {
        return this.stack.name;
    }

    async history(showSecrets: boolean): Promise<UpdateRecord[]> {
        return (await this.stack.history(undefined, undefined, showSecrets)) as unknown as UpdateRecord[];
    }

    async currentConfig(): Promise<StackConfigMap> {
        return this.stack.getAllConfig();
    }

    async replaceConfig(config: StackConfigMap): Promise<void> {
        const stale = Object.keys(await this.stack.getAllConfig()).filter((key) => !(key in config));
        if (stale.length > 0) await this.stack.removeAllConfig(stale);
        await this.stack.setAllConfigJson(configJson(config));
    }

    async pendingOperations(): Promise<number> {
        const deployment = (await this.stack.exportStack()).deployment as { pending_operations?: unknown[] };
        return deployment.pending_operations?.length ?? 0;
    }

    async preview(policyPack: string): Promise<PreviewOutcome> {
        const steps: PreviewOutcome["steps"] = [];
        const policyViolations: string[] = [];
        const result = await this.stack.preview({ policyPacks: [policyPack], onEvent: (event) => collect(event, steps, policyViolations) });
        return { steps, changeSummary: result.changeSummary as Record<string, number>, policyViolations };
    }

    async up(policyPack: string, onOutput: (line: string) => void): Promise<Record<string, number>> {
        const result = await this.stack.up({ policyPacks: [policyPack], onOutput: (out) => out.trimEnd() && onOutput(out.trimEnd()) });
        return (result.summary.resourceChanges ?? {}) as Record<string, number>;
    }

    async headCommit(): Promise<string | undefined> {
        try {
            return (await run("git", ["rev-parse", "HEAD"], { cwd: this.workDir })).stdout.trim();
        } catch {
            return undefined;
        }
    }
}

function collect(event: EngineEvent, steps: PreviewOutcome["steps"], violations: string[]): void {
    const meta = event.resourcePreEvent?.metadata;
    if (meta) steps.push({ op: meta.op, urn: meta.urn, protect: !!meta.old?.protect });
    const policy = event.policyEvent;
    if (policy && policy.enforcementLevel === "mandatory") violations.push(`${policy.policyName}: ${policy.message}`);
}

/**
 * The `pulumi config --json` shape that `setAllConfigJson` takes. Values that are JSON objects or
 * arrays also go as `objectValue`, so structured keys stay structured in Pulumi.<stack>.yaml.
 */
export function configJson(config: StackConfigMap): string {
    const entries = Object.entries(config).map(([key, entry]) => {
        const structured = /^[[{]/.test(entry.value) ? safeParse(entry.value) : undefined;
        return [key, { value: entry.value, secret: !!entry.secret, ...(structured !== undefined ? { objectValue: structured } : {}) }];
    });
    return JSON.stringify(Object.fromEntries(entries));
}

function safeParse(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
