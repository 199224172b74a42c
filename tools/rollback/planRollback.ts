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
        // One part's rollback returns to the newest good update whose config of that part differs: the
        // updates between may have changed only the other part.
        const changedPart = (u: UpdateRecord) => {
            if (!options.configKey) return true;
            const [a, b] = [u.config?.[options.configKey], current.config?.[options.configKey]];
            return !a || !b ? a !== b : !sameValue(a, b);
        };
        target = updates.find((u) => u.version < current.version && u.result === "succeeded" && changedPart(u));
        if (!target)
            throw new RollbackRefused(
                options.configKey
                    ? `no succeeded update before ${describe(current)} has a different ${options.configKey}; nothing to roll back to`
                    : `no succeeded update before ${describe(current)}; nothing to roll back to`,
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

/** Pulumi prints this in place of a secret it cannot decrypt with the stack's current secrets provider. */
export const UNDECRYPTABLE = "ERROR_UNABLE_TO_DECRYPT";
