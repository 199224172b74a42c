import { ConfigEntry, StackConfigMap, UpdateRecord } from "./stackOperations";

/** A reason not to roll back, stated for the person at the terminal. */
export class RollbackRefused extends Error {}

export interface ConfigChange {
    readonly key: string;
    readonly change: "added" | "removed" | "changed";
    /** Printable values; secrets are never printed. */
    readonly from?: string;
    readonly to?: string;
}

export interface RollbackPlan {
    /** The newest update: the one being rolled back. */
    readonly current: UpdateRecord;
    readonly target: UpdateRecord;
    /** The commit the target ran from: its program is what the rollback runs. */
    readonly targetCommit: string;
    /** The commit the current update ran from, when recorded. */
    readonly currentCommit?: string;
}

/**
 * `pulumi stack history` on a file or S3 backend reports version 0 for every entry (the DIY backend
 * never numbers them); number those 1…n from the oldest, the order its history files sort in.
 */
export function numberVersions(history: readonly UpdateRecord[]): UpdateRecord[] {
    if (history.length === 0 || history.some((h) => h.version !== 0)) return [...history];
    return history.map((h, index) => ({ ...h, version: history.length - index }));
}

function printable(entry: ConfigEntry | undefined): string | undefined {
    if (!entry) return undefined;
    return entry.secret ? "[secret]" : entry.value;
}

/** Same value, where two JSON texts of one object (key order, spacing) count as the same. */
export function sameValue(a: ConfigEntry, b: ConfigEntry): boolean {
    if (!!a.secret !== !!b.secret) return false;
    if (a.value === b.value) return true;
    try {
        return canonical(JSON.parse(a.value)) === canonical(JSON.parse(b.value));
    } catch {
        return false;
    }
}

function canonical(value: unknown): string {
    if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
    if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
        return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
    }
    return JSON.stringify(value);
}

/** Key-by-key difference from `from` to `to`, secrets compared but never shown. */
export function diffConfig(from: StackConfigMap, to: StackConfigMap): ConfigChange[] {
    const keys = [...new Set([...Object.keys(from), ...Object.keys(to)])].sort();
    const changes: ConfigChange[] = [];
    for (const key of keys) {
        const before = from[key];
        const after = to[key];
        if (!before) changes.push({ key, change: "added", to: printable(after) });
        else if (!after) changes.push({ key, change: "removed", from: printable(before) });
        else if (!sameValue(before, after)) changes.push({ key, change: "changed", from: printable(before), to: printable(after) });
    }
    return changes;
}

export function describe(update: UpdateRecord): string {
    return `update ${update.version} (${update.kind}, ${update.result}, ${new Date(update.startTime).toISOString()})`;
}

const UNFINISHED = new Set(["in-progress", "not-started"]);

/**
 * Chooses the update to return to: the newest succeeded update before the current one, or `to`.
 * Refuses while an operation is unfinished, and when the target did not succeed or cannot be
 * reproduced from git (no commit recorded, or it ran from a tree with uncommitted changes).
 */
export function planRollback(history: readonly UpdateRecord[], options: { to?: number; configKey?: string }): RollbackPlan {
    const unfinished = history.find((h) => h.kind !== "preview" && UNFINISHED.has(h.result));
    if (unfinished) throw new RollbackRefused(`${describe(unfinished)} has not finished; wait for it (or run \`pulumi cancel\`) before rolling back`);
    const updates = history.filter((h) => h.kind === "update").sort((a, b) => b.version - a.version);
    if (updates.length === 0) throw new RollbackRefused("the stack has no updates in its history; there is nothing to roll back to");
    const [current] = updates;
    const succeeded = updates.filter((u) => u.result === "succeeded" && u.version !== current.version).map((u) => u.version);

    let target: UpdateRecord | undefined;
    if (options.to !== undefined) {
        const chosen = history.find((h) => h.version === options.to);
        if (!chosen) throw new RollbackRefused(`update ${options.to} is not in the stack's history; updates: ${updates.map((u) => u.version).join(", ")}`);
        // Success first: a failed current update is not "the current state" (it may have left the stack half-way).
        if (chosen.kind !== "update" || chosen.result !== "succeeded") {
            throw new RollbackRefused(`${describe(chosen)} is not a succeeded update; choose one of: ${succeeded.join(", ") || "none"}`);
        }
        if (chosen.version === current.version) throw new RollbackRefused(`update ${chosen.version} is the current state; choose an earlier one`);
        target = chosen;
    } else {
        target = resumedTarget(current, updates, options.configKey) ?? lastDifferent(current, updates, options.configKey);
        if (!target)
            throw new RollbackRefused(
                options.configKey
                    ? `no succeeded update before ${describe(current)} has a different ${options.configKey}; nothing to roll back to`
                    : `no succeeded update before ${describe(current)} ran a different commit or config; nothing to roll back to (choose one with --to)`,
            );
    }

    const targetCommit = target.environment?.["git.head"];
    if (!targetCommit) {
        throw new RollbackRefused(
            `update ${target.version} records no git commit, so the program it ran cannot be recovered; choose an update that ran from a git checkout with --to`,
        );
    }
    if (target.environment?.["git.dirty"] === "true") {
        throw new RollbackRefused(
            `update ${target.version} ran from commit ${targetCommit} with uncommitted changes, so that commit is not the program it ran; choose another update with --to (succeeded: ${succeeded.join(", ")})`,
        );
    }
    return { current, target, targetCommit, currentCommit: current.environment?.["git.head"] };
}

/** The message a rollback's own `up` records, which is how a later run recognises an unfinished one. */
export function rollbackMessage(stack: string, version: number, commit: string, part?: string): string {
    return `Rollback of ${stack}${part ? ` (part ${part})` : ""} to update ${version} (commit ${commit.slice(0, 12)})`;
}

const ROLLBACK_MESSAGE = /^Rollback of \S+(?: \(part (\S+)\))? to update (\d+) \(commit [0-9a-f]+\)$/;

/**
 * A rollback whose `up` failed or was interrupted left the stack between two states; running it
 * again resumes towards the same target, not to the update before the interrupted one (which is
 * the release being rolled back). Only the same part resumes: a whole-stack rollback is not
 * resumed by one part's.
 */
function resumedTarget(current: UpdateRecord, updates: readonly UpdateRecord[], configKey?: string): UpdateRecord | undefined {
    if (current.result === "succeeded") return undefined;
    const match = ROLLBACK_MESSAGE.exec(current.message ?? "");
    if (!match) return undefined;
    const part = match[1];
    if ((part === undefined) !== (configKey === undefined) || (part !== undefined && !configKey?.endsWith(`:${part}`))) return undefined;
    return updates.find((u) => u.version === Number(match[2]) && u.result === "succeeded");
}

/**
 * The newest good update before the current one that ran something else. One part's rollback
 * compares that part's config only (the updates between may have changed only the other part); a
 * whole-stack rollback from a succeeded update compares commit and config, so the other part's
 * targeted update of the same commit (CI runs one per part) is not mistaken for the state before it.
 */
function lastDifferent(current: UpdateRecord, updates: readonly UpdateRecord[], configKey?: string): UpdateRecord | undefined {
    const differs = (u: UpdateRecord) => {
        if (configKey) {
            const [a, b] = [u.config?.[configKey], current.config?.[configKey]];
            return !a || !b ? a !== b : !sameValue(a, b);
        }
        // A failed update left the stack half-way: the last good update is the way back, even from the same commit.
        if (current.result !== "succeeded") return true;
        if (u.environment?.["git.head"] !== current.environment?.["git.head"]) return true;
        return diffConfig(u.config ?? {}, current.config ?? {}).length > 0;
    };
    return updates.find((u) => u.version < current.version && u.result === "succeeded" && differs(u));
}

/** Pulumi prints this in place of a secret it cannot decrypt with the stack's current secrets provider. */
export const UNDECRYPTABLE = "ERROR_UNABLE_TO_DECRYPT";
