import { z } from "zod";

/**
 * Hints added to config errors where the likely fix is known: a misspelt key or namespace
 * ("did you mean"), an account id YAML read as a number. Kept apart from the error formatting.
 */

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

/** The known word closest to `word`, if it is close enough to be a typo (case differences count as one edit). */
export function closest(word: string, known: readonly string[]): string | undefined {
    const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
    let best: { word: string; distance: number } | undefined;
    for (const candidate of known) {
        const distance = candidate.toLowerCase() === word.toLowerCase() ? 1 : editDistance(word, candidate);
        if (distance <= limit && (!best || distance < best.distance)) best = { word: candidate, distance };
    }
    return best?.word;
}

type AnySchema = z.core.$ZodType;

/** The object keys the schema allows at `path` (through optional, default, array and record), if it is an object there. */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] | undefined {
    let node: AnySchema | undefined = schema;
    const rest = [...path];
    while (node) {
        const def = node._zod.def as unknown as {
            type: string;
            innerType?: AnySchema;
            shape?: Record<string, AnySchema>;
            element?: AnySchema;
            valueType?: AnySchema;
        };
        if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "readonly") node = def.innerType;
        else if (rest.length === 0) return def.type === "object" ? Object.keys(def.shape ?? {}) : undefined;
        else {
            const key = rest.shift()!;
            node = def.type === "object" ? def.shape?.[String(key)] : def.type === "array" ? def.element : def.type === "record" ? def.valueType : undefined;
        }
    }
    return undefined;
}

/** `has unknown key "enabeld" (did you mean "enabled"?; allowed: …)` */
export function unknownKeysMessage(keys: readonly string[], known: readonly string[] | undefined): string {
    const described = keys.map((k) => {
        const guess = known && closest(k, known);
        return guess ? `"${k}" (did you mean "${guess}"?)` : `"${k}"`;
    });
    const allowed = known ? `; allowed: ${known.join(", ")}` : "";
    return `has unknown key${keys.length > 1 ? "s" : ""} ${described.join(", ")}${allowed}`;
}

/**
 * Keys under a namespace that is a near miss of the project's (`egress-remediaton:appRunner`):
 * Pulumi gives them to no program, so the part they configure would silently vanish.
 */
export function namespaceProblems(fullKeys: readonly string[], project: string): string[] {
    const problems: string[] = [];
    for (const key of fullKeys) {
        const colon = key.indexOf(":");
        if (colon < 0) continue;
        const namespace = key.slice(0, colon);
        if (namespace !== project && closest(namespace, [project])) {
            problems.push(`${key} is under the unknown namespace "${namespace}"; did you mean ${project}:${key.slice(colon + 1)}?`);
        }
    }
    return problems;
}

/**
 * An account id written without quotes reaches the program as a number (and YAML drops a leading
 * zero): say to quote it, with the digits it most likely meant.
 */
export function accountIdHint(path: readonly PropertyKey[], got: unknown): string | undefined {
    if (path.at(-1) !== "id" || path.at(-2) !== "account" || typeof got !== "number" || !Number.isInteger(got) || got < 0) return undefined;
    const digits = String(got);
    const meant = digits.length < 12 ? digits.padStart(12, "0") : digits;
    const lost = digits.length < 12 ? ` (read as the number ${digits}: the leading zeros were lost)` : "";
    return `must be a quoted string of 12 digits: write id: "${meant}"${lost}`;
}

/** A better message than the generic one for this issue, when one of the hints above applies. */
export function issueHint(issue: z.core.$ZodIssue, got: unknown, schema: AnySchema): string | undefined {
    if (issue.code === "unrecognized_keys") return unknownKeysMessage(issue.keys, knownKeysAt(schema, issue.path));
    if (issue.code === "invalid_type") return accountIdHint(issue.path, got);
    return undefined;
}
