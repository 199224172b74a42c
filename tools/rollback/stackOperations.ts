/**
 * What rollback needs from a Pulumi stack, as an interface: the real one wraps the Automation
 * API (and so the Pulumi CLI); tests use a fake that replays recorded history.
 */

export interface ConfigEntry {
    readonly value: string;
    readonly secret?: boolean;
}

export type StackConfigMap = Record<string, ConfigEntry>;

/** One entry of `pulumi stack history --json` (the Automation API's UpdateSummary). */
export interface UpdateRecord {
    readonly version: number;
    readonly kind: "update" | "preview" | "refresh" | "rename" | "destroy" | "import";
    readonly result: "not-started" | "in-progress" | "succeeded" | "failed";
    readonly startTime: string | Date;
    readonly endTime?: string | Date;
    readonly message?: string;
    /** Includes `git.head` and `git.dirty` when the update ran from a git checkout. */
    readonly environment?: Record<string, string>;
    /** Secret values arrive as "[secret]" unless history was read with secrets shown. */
    readonly config: StackConfigMap;
}

export interface PreviewStep {
    readonly op: string;
    readonly urn: string;
    readonly protect: boolean;
}

export interface PreviewOutcome {
    readonly steps: PreviewStep[];
    readonly changeSummary: Record<string, number>;
    /** Mandatory policy violations reported by the pack, one line each. */
    readonly policyViolations: string[];
}

export interface StackOperations {
    readonly stackName: string;
    /** Newest first. `showSecrets` only for restoring values, never for printing. */
    history(showSecrets: boolean): Promise<UpdateRecord[]>;
    currentConfig(): Promise<StackConfigMap>;
    /** Replaces the stack's whole config with `config`. */
    replaceConfig(config: StackConfigMap): Promise<void>;
    pendingOperations(): Promise<number>;
    preview(policyPack: string): Promise<PreviewOutcome>;
    up(policyPack: string, onOutput: (line: string) => void): Promise<Record<string, number>>;
    /** The commit the working tree is at, or undefined outside git. */
    headCommit(): Promise<string | undefined>;
}
