import { isDeepStrictEqual } from "util";
import { Deployment, StateResource } from "./stackOperations";

export interface StateChange {
    readonly urn: string;
    /** missing: in the prior checkpoint only; differs: in both; extra: in the current state only. */
    readonly change: "missing" | "differs" | "extra";
    /** For `differs`: which fields (`id`, `inputs.<key>`, `outputs.<key>`, `protect`, …). */
    readonly fields?: string[];
}

/** Pulumi's marker for a secret in a checkpoint; its ciphertext changes with every re-encryption. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function masked(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(masked);
    if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SECRET_SIG] === "1b47061264138c4ac30d75fd1eb44270") return "[secret]";
        return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, masked(v)]));
    }
    return value;
}

const key = (r: StateResource) => (r.delete ? `${r.urn} (pending delete)` : r.urn);
const COMPARED = ["type", "id", "protect", "provider", "parent", "dependencies", "retainOnDelete", "external"] as const;

function fieldsThatDiffer(prior: StateResource, current: StateResource): string[] {
    const fields: string[] = COMPARED.filter((f) => !isDeepStrictEqual(prior[f] ?? null, current[f] ?? null));
    for (const bag of ["inputs", "outputs"] as const) {
        const a = (masked(prior[bag] ?? {}) ?? {}) as Record<string, unknown>;
        const b = (masked(current[bag] ?? {}) ?? {}) as Record<string, unknown>;
        for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) if (!isDeepStrictEqual(a[k], b[k])) fields.push(`${bag}.${k}`);
    }
    return fields;
}

/** Which resources importing `prior` would add back to, change in, or drop from the current state. */
export function diffStates(prior: Deployment, current: Deployment): StateChange[] {
    const before = new Map((prior.deployment.resources ?? []).map((r) => [key(r), r]));
    const now = new Map((current.deployment.resources ?? []).map((r) => [key(r), r]));
    const changes: StateChange[] = [];
    for (const [urn, resource] of before) {
        const present = now.get(urn);
        if (!present) changes.push({ urn, change: "missing" });
        else {
            const fields = fieldsThatDiffer(resource, present);
            if (fields.length > 0) changes.push({ urn, change: "differs", fields });
        }
    }
    for (const urn of now.keys()) if (!before.has(urn)) changes.push({ urn, change: "extra" });
    return changes;
}

/** A resource in both states whose only differences are outputs: what a refresh changes. */
export function onlyOutputsDiffer(change: StateChange): boolean {
    return change.change === "differs" && (change.fields ?? []).every((f) => f.startsWith("outputs."));
}
