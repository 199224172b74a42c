import { PreviewOutcome, StackConfigMap, StackOperations, UpdateRecord } from "../tools/rollback/stackOperations";
import history from "./fixtures/stack-history.json";

/** Replays recorded `pulumi stack history --json` and records what the rollback does to the stack. */
export class FakeStack implements StackOperations {
    readonly stackName = "prod";
    config: StackConfigMap;
    readonly configWrites: StackConfigMap[] = [];
    readonly calls: string[] = [];
    pending = 0;
    head: string | undefined = "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b";
    previewResult: PreviewOutcome = {
        steps: [{ op: "update", urn: "urn:pulumi:prod::egress-remediation::aws:apprunner/service:Service::app-service", protect: true }],
        changeSummary: { update: 1, same: 31 },
        policyViolations: [],
    };
    upError?: Error;

    constructor(readonly records: UpdateRecord[] = structuredClone(history) as UpdateRecord[]) {
        this.config = structuredClone(records[0].config);
    }

    async history(showSecrets: boolean): Promise<UpdateRecord[]> {
        this.calls.push(`history(${showSecrets})`);
        const copy = structuredClone(this.records);
        if (!showSecrets) for (const r of copy) for (const entry of Object.values(r.config)) if (entry.secret) (entry as { value: string }).value = "[secret]";
        return copy;
    }

    async currentConfig(): Promise<StackConfigMap> {
        return structuredClone(this.config);
    }

    async replaceConfig(config: StackConfigMap): Promise<void> {
        this.config = structuredClone(config);
        this.configWrites.push(this.config);
    }

    async pendingOperations(): Promise<number> {
        return this.pending;
    }

    async preview(policyPack: string): Promise<PreviewOutcome> {
        this.calls.push(`preview(${policyPack})`);
        return this.previewResult;
    }

    async up(policyPack: string, onOutput: (line: string) => void): Promise<Record<string, number>> {
        this.calls.push(`up(${policyPack})`);
        if (this.upError) throw this.upError;
        onOutput("Updating (prod)");
        return { update: 1, same: 31 };
    }

    async headCommit(): Promise<string | undefined> {
        return this.head;
    }
}
