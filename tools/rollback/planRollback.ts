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
    readonly current: UpdateRecord;
    readonly target: UpdateRecord;
    readonly changes: ConfigChange[];
    /** The commit the target update ran from, when recorded. */
    readonly targetCommit?: string;
    readonly warnings: string[];
}

function printable(entry: ConfigEntry | undefined): string | undefined {
    if (!entry) return undefined;
    return entry.secret ? "[secret]" : entry.value;
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
        else if (before.value !== after.value || !!before.secret !== !!after.secret)
            changes.push({ key, change: "changed", from: printable(before), to: printable(after) });
    }
    return changes;
}

function describe(update: UpdateRecord): string {
    return `update ${update.version} (${update.kind}, ${update.result}, ${new Date(update.startTime).toISOString()})`;
}

/**
 * Chooses the update to return to and what changes: the newest succeeded update before the
 * current one, or `to`. Refuses when the target did not succeed, would change nothing, or ran
 * from other code than the working tree.
 */
export function planRollback(history: readonly UpdateRecord[], currentConfig: StackConfigMap, options: { to?: number; headCommit?: string }): RollbackPlan {
    const updates = history.filter((h) => h.kind === "update").sort((a, b) => b.version - a.version);
    if (updates.length === 0) throw new RollbackRefused("the stack has no updates in its history; there is nothing to roll back to");
    const [current] = updates;
    if (current.result === "in-progress" || current.result === "not-started") {
        throw new RollbackRefused(`${describe(current)} has not finished; wait for it (or run \`pulumi cancel\`) before rolling back`);
    }

    let target: UpdateRecord | undefined;
    if (options.to !== undefined) {
        target = updates.find((u) => u.version === options.to);
        if (!target) throw new RollbackRefused(`update ${options.to} is not in the stack's history; updates: ${updates.map((u) => u.version).join(", ")}`);
        if (target.result !== "succeeded") {
            const good = updates.filter((u) => u.result === "succeeded" && u.version !== current.version).map((u) => u.version);
            throw new RollbackRefused(`${describe(target)} did not succeed; choose a succeeded update${good.length ? ` (${good.join(", ")})` : ""}`);
        }
        if (target.version === current.version) throw new RollbackRefused(`update ${target.version} is the current state; choose an earlier one`);
    } else {
        target = updates.find((u) => u.version < current.version && u.result === "succeeded");
        if (!target) throw new RollbackRefused(`no succeeded update before ${describe(current)}; nothing to roll back to`);
    }

    const changes = diffConfig(currentConfig, target.config);
    if (changes.length === 0) {
        throw new RollbackRefused(
            `the config of update ${target.version} equals the current config; rolling back would change nothing (if code changed, check out its commit and run pulumi up)`,
        );
    }

    const warnings: string[] = [];
    const targetCommit = target.environment?.["git.head"];
    if (targetCommit && options.headCommit && targetCommit !== options.headCommit) {
        throw new RollbackRefused(
            `update ${target.version} ran from commit ${targetCommit}, but the working tree is at ${options.headCommit}; run \`git checkout ${targetCommit}\` first, so the program matches the config`,
        );
    }
    if (!targetCommit) warnings.push(`update ${target.version} records no git commit; make sure the program is the one it ran`);
    if (target.environment?.["git.dirty"] === "true") warnings.push(`update ${target.version} ran from a working tree with uncommitted changes`);
    return { current, target, changes, targetCommit, warnings };
}

/** Protected resources a preview would delete or replace: a rollback must never do that. */
export function protectedDeletions(steps: readonly { op: string; urn: string; protect: boolean }[]): string[] {
    return steps.filter((s) => s.protect && ["delete", "replace", "delete-replaced", "create-replacement", "discard"].includes(s.op)).map((s) => s.urn);
}
