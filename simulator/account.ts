import * as fs from "fs";
import * as path from "path";

/** One resource as the simulated AWS API holds it: what was asked for and what AWS reports back. */
export interface StoredResource {
    readonly type: string;
    readonly id: string;
    readonly region: string;
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
}

/** One call that changed the account, in order: what tests read to see what an update really did. */
export interface AccountEvent {
    readonly op: "create" | "update" | "delete";
    readonly type: string;
    readonly id: string;
}

export interface AccountData {
    /** Region → the account id that region's provider may use (checked against `allowedAccountIds`). */
    accounts: Record<string, string>;
    resources: StoredResource[];
    events: AccountEvent[];
    /** Source of invented ids, so a replayed run invents the same ones. */
    sequence: number;
    /** Names of deleted Secrets Manager secrets: AWS keeps a name taken until the scheduled deletion. */
    deletedSecretNames?: string[];
    /** App Runner's operations per service, newest last, as `ListOperations` reports them. */
    operations?: AppRunnerOperation[];
    /**
     * What an image serves, by image identifier: the HTTP paths that answer 200. An image not listed
     * serves every path (the recording cannot know); an account file lists one to model a health check
     * the image fails.
     */
    images?: Record<string, { readonly servesPaths: readonly string[] }>;
}

export interface AppRunnerOperation {
    readonly serviceArn: string;
    readonly id: string;
    readonly type: "CREATE_SERVICE" | "UPDATE_SERVICE" | "START_DEPLOYMENT";
    readonly status: "SUCCEEDED" | "ROLLBACK_SUCCEEDED" | "FAILED" | "IN_PROGRESS";
    /** Why a deployment failed (App Runner's event log; not part of ListOperations). */
    readonly reason?: string;
}

/** The environment variable that names the account file; the engine passes its environment to plugins. */
export const ACCOUNT_FILE_VARIABLE = "SIMULATED_AWS_ACCOUNT_FILE";

const LOCK_TIMEOUT_MS = 30_000;
const LOCK_RETRY_MS = 10;

/**
 * The account lives in one JSON file shared by every provider process the engine starts (one per
 * explicit provider), so each read-modify-write holds a lock: a directory, which `mkdir` creates atomically.
 */
export class AccountFile {
    constructor(
        readonly file: string,
        private readonly options: { lockTimeoutMs?: number } = {},
    ) {}

    static fromEnvironment(): AccountFile {
        const file = process.env[ACCOUNT_FILE_VARIABLE];
        if (!file) throw new Error(`${ACCOUNT_FILE_VARIABLE} is not set: the simulated AWS provider needs an account file`);
        return new AccountFile(file);
    }

    read(): AccountData {
        return JSON.parse(fs.readFileSync(this.file, "utf8")) as AccountData;
    }

    write(data: AccountData): void {
        const temporary = `${this.file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, JSON.stringify(data, null, 2));
        fs.renameSync(temporary, this.file);
    }

    /** Runs `change` on the current account and saves what it leaves, unless it throws. */
    update<T>(change: (data: AccountData) => T): T {
        const lock = `${this.file}.lock`;
        this.acquire(lock);
        try {
            const data = this.read();
            const result = change(data);
            this.write(data);
            return result;
        } finally {
            fs.rmSync(lock, { recursive: true, force: true });
        }
    }

    private acquire(lock: string): void {
        const timeoutMs = this.options.lockTimeoutMs ?? LOCK_TIMEOUT_MS;
        const deadline = Date.now() + timeoutMs;
        const sleeper = new Int32Array(new SharedArrayBuffer(4));
        for (;;) {
            try {
                fs.mkdirSync(lock);
                fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
                return;
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
                if (holderIsGone(lock)) {
                    // A provider killed mid-change (a cancelled run) left its lock: the change never saved, so the file is whole.
                    fs.rmSync(lock, { recursive: true, force: true });
                    continue;
                }
                if (Date.now() > deadline)
                    throw new Error(`the simulated account ${path.basename(this.file)} stayed locked for ${timeoutMs / 1000} s (${lock})`);
                Atomics.wait(sleeper, 0, 0, LOCK_RETRY_MS);
            }
        }
    }
}

/** Whether the process that took the lock has exited. A lock with no pid yet is being taken: not gone. */
function holderIsGone(lock: string): boolean {
    let pid: number;
    try {
        pid = Number(fs.readFileSync(path.join(lock, "pid"), "utf8"));
    } catch {
        return false;
    }
    try {
        process.kill(pid, 0);
        return false;
    } catch (error) {
        return (error as NodeJS.ErrnoException).code === "ESRCH";
    }
}

export function findResource(data: AccountData, type: string, id: string): StoredResource | undefined {
    return data.resources.find((r) => r.type === type && r.id === id);
}

export function resourcesOfType(data: AccountData, type: string): StoredResource[] {
    return data.resources.filter((r) => r.type === type);
}

/** IAM is global to an account; everything else the simulation holds belongs to one region. */
const ACCOUNT_WIDE_TYPES: ReadonlySet<string> = new Set([
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
]);

/**
 * The part of the account file one provider can see, as AWS scopes its APIs: resources of its own region,
 * and IAM resources of its own account. Changes made to the view are written back by `mergeScope`.
 */
export function scopeTo(data: AccountData, region: string, accountId: string): AccountData {
    const visible = (r: StoredResource) => (ACCOUNT_WIDE_TYPES.has(r.type) ? data.accounts[r.region] === accountId : r.region === region);
    return { ...data, resources: data.resources.filter(visible) };
}

/** Writes what a call did to its view back into the whole account file's data. */
export function mergeScope(data: AccountData, view: AccountData, before: AccountData): void {
    const seen = new Set(before.resources);
    data.resources = [...data.resources.filter((r) => !seen.has(r)), ...view.resources];
    data.sequence = view.sequence;
    data.events = view.events;
    data.deletedSecretNames = view.deletedSecretNames;
    data.operations = view.operations;
}
