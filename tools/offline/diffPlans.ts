import { isDeepStrictEqual } from "util";
import { PlanResource } from "./planDocument";
import { forcesReplacement } from "./replaceOn";

export type ChangeOp = "+" | "~" | "-" | "+-";

export interface Change {
    readonly op: ChangeOp;
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Top-level input keys that differ (updates and replacements). */
    readonly keys: string[];
    /** A delete of a resource with `retainOnDelete`: it only leaves the stack's state; AWS keeps it. */
    readonly retained?: boolean;
}

function changedKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !isDeepStrictEqual(before[k], after[k])).sort();
}

/** Diffs two plans the way a preview does: create, update (with keys), delete, replace. */
export function diffPlans(before: readonly PlanResource[], after: readonly PlanResource[]): Change[] {
    const old = new Map(before.map((r) => [r.urn, r]));
    const now = new Map(after.map((r) => [r.urn, r]));
    const changes: Change[] = [];
    for (const r of after) {
        const previous = old.get(r.urn);
        if (!previous) {
            changes.push({ op: "+", urn: r.urn, type: r.type, name: r.name, keys: [] });
            continue;
        }
        // As in the engine, properties under ignoreChanges keep their previous value.
        const keys = changedKeys(previous.inputs, r.inputs).filter((k) => !(r.ignoreChanges ?? []).includes(k));
        if (keys.length > 0)
            changes.push({ op: forcesReplacement(r.type, keys, previous.inputs, r.inputs) ? "+-" : "~", urn: r.urn, type: r.type, name: r.name, keys });
    }
    for (const r of before) {
        if (!now.has(r.urn)) changes.push({ op: "-", urn: r.urn, type: r.type, name: r.name, keys: [], ...(r.retainOnDelete ? { retained: true } : {}) });
    }
    return changes;
}
