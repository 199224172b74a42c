import { isDeepStrictEqual } from "util";
import { ConfigEntry } from "./stackOperations";

export interface PathChange {
    /** The key with the path below it, e.g. `egress-remediation:ecs.api.image` or `…subnetIds[1]`. */
    readonly path: string;
    /** JSON text of each side; undefined where the path does not exist. */
    readonly from?: string;
    readonly to?: string;
}

function parsed(entry: ConfigEntry): unknown {
    try {
        return JSON.parse(entry.value);
    } catch {
        return entry.value;
    }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

function walk(path: string, a: unknown, b: unknown, out: PathChange[]): void {
    if (isDeepStrictEqual(a, b)) return;
    if (isObject(a) && isObject(b)) {
        for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) walk(`${path}.${key}`, a[key], b[key], out);
        return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
        a.forEach((item, index) => walk(`${path}[${index}]`, item, b[index], out));
        return;
    }
    out.push({ path, from: a === undefined ? undefined : JSON.stringify(a), to: b === undefined ? undefined : JSON.stringify(b) });
}

/**
 * The paths below one changed config key whose values differ, as `plan --against` names what changed
 * instead of printing each side whole. Only for objects and lists that are not secret (a secret is never
 * opened); undefined otherwise.
 */
export function changedPaths(key: string, from: ConfigEntry, to: ConfigEntry): PathChange[] | undefined {
    if (from.secret || to.secret) return undefined;
    const [a, b] = [parsed(from), parsed(to)];
    // A plain value is its own path: the caller prints it as it is.
    if (!(isObject(a) || Array.isArray(a)) || !(isObject(b) || Array.isArray(b))) return undefined;
    const out: PathChange[] = [];
    walk(key, a, b, out);
    return out;
}
