/**
 * Values in a committed stack file that stand in for facts the seeds do not record: ids and
 * digests made of zeros. Previews may run with them (with a warning); `pulumi up` may not.
 */
const PLACEHOLDER = /^(?:[a-z]+-0{8,17}[01]?|.*@sha256:0{64})$/;

export function isPlaceholder(value: string): boolean {
    return PLACEHOLDER.test(value);
}

/** Dotted config paths whose value is a placeholder, e.g. `ecs.subnetIds.0`. */
export function findPlaceholders(node: unknown, path = ""): string[] {
    if (typeof node === "string") return isPlaceholder(node) ? [path] : [];
    if (node === null || typeof node !== "object") return [];
    return Object.entries(node).flatMap(([key, child]) => findPlaceholders(child, path ? `${path}.${key}` : key));
}
