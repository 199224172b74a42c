/**
 * A part switched off. Whatever its `adopt` keys say now (they may have been dropped after the
 * imports), the state may hold what the part adopted and built: `enabled: false` alone would delete
 * what it built and then fail on what it protects, halfway through the update.
 */
interface SwitchedPart {
    readonly enabled: boolean;
    readonly decommission: boolean;
}

export function decommissionProblem(partName: "appRunner" | "ecs", part: SwitchedPart): string | undefined {
    if (part.enabled || part.decommission) return undefined;
    return (
        `is false without ${partName}.decommission: true; switching a part off deletes what it built and fails on what it protects. ` +
        `To stop managing it, first set ${partName}.decommission: true and run \`pulumi up\` (it lifts protection and keeps every resource in AWS on delete), then disable; ` +
        `a part this stack never deployed may be disabled with decommission: true at once`
    );
}

function valueAt(root: unknown, path: readonly string[]): unknown {
    return path.reduce<unknown>((node, key) => (node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined), root);
}

/** An `unverified` entry must name a key whose parent exists, so a typo is not silently "confirmed". */
export function unverifiedKeyProblem(config: unknown, key: string): string | undefined {
    const path = key.split(".");
    const parent = valueAt(config, path.slice(0, -1));
    if (parent !== null && typeof parent === "object") return undefined;
    return `names ${key}, but ${path.slice(0, -1).join(".")} is not set in this stack`;
}
