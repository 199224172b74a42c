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
    /** Pulumi Cloud numbers updates; a file or S3 backend records 0 for all (see `numberVersions`). */
    readonly version: number;
    readonly kind: "update" | "preview" | "refresh" | "rename" | "destroy" | "import" | string;
    readonly result: "not-started" | "in-progress" | "succeeded" | "failed" | string;
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
    readonly type: string;
    readonly protect: boolean;
}

export interface PreviewOutcome {
    readonly steps: PreviewStep[];
    readonly changeSummary: Record<string, number>;
    /** Mandatory policy violations reported by the pack, one line each. */
    readonly policyViolations: string[];
}

/** One resource of a checkpoint, as `pulumi stack export` prints it. */
export interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly id?: string;
    readonly inputs?: Record<string, unknown>;
    readonly outputs?: Record<string, unknown>;
    readonly protect?: boolean;
    readonly [field: string]: unknown;
}

/** The untyped deployment `pulumi stack export` prints and `pulumi stack import` takes; secrets stay ciphertext. */
export interface Deployment {
    readonly version: number;
    readonly features?: string[];
    readonly deployment: {
        readonly resources?: StateResource[];
        readonly pending_operations?: unknown[];
        readonly [field: string]: unknown;
    };
}

export interface OperationOptions {
    readonly policyPack: string;
    /** The pack's config file (`--policy-pack-config`): the reviewed exemptions, when the project has them. */
    readonly policyPackConfig?: string;
    /** `--target` URN globs: one part's resources, for a rollback of that part alone. */
    readonly targets?: readonly string[];
    /** Update plan: `preview` writes it (`--save-plan`), `up` is held to it (`--plan`). */
    readonly planFile: string;
    /** Aborting sends the running CLI one SIGINT, which it treats as a request to cancel safely. */
    readonly signal: AbortSignal;
}

export interface StackOperations {
    readonly stackName: string;
    /** Newest first. `showSecrets` only for restoring values, never for printing. */
    history(showSecrets: boolean): Promise<UpdateRecord[]>;
    /** The config of the workspace's stack file, secrets decrypted (read from the CLI's stdout). */
    stackFileConfig(): Promise<StackConfigMap>;
    /** Encrypts one value into the workspace's stack file; the value travels on stdin, never in argv. */
    setSecret(key: string, value: string): Promise<void>;
    /** The current checkpoint, or the one `update` left (secrets as ciphertext in both). */
    exportState(update?: Pick<UpdateRecord, "version" | "startTime">): Promise<Deployment>;
    importState(deployment: Deployment): Promise<void>;
    preview(options: OperationOptions): Promise<PreviewOutcome>;
    up(options: OperationOptions & { readonly message: string; readonly onOutput: (line: string) => void }): Promise<Record<string, number>>;
}

/** Opens the stack on a workspace directory (a temporary git worktree, never the user's checkout). */
export type OpenStack = (stackName: string, workDir: string) => Promise<StackOperations>;
