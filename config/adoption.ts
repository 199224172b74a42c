/**
 * Which live resources a part of the stack adopted, read from its config. A part that adopted
 * any may not simply be switched off: `enabled: false` would delete everything it built and try
 * to delete what it adopted (which protection then refuses halfway through an update).
 */
interface AdoptingPart {
    readonly enabled: boolean;
    readonly decommission: boolean;
    readonly adopt: Readonly<Record<string, unknown>>;
    readonly dataStores?: { readonly redisReplicationGroupId?: string };
}

/** The `adopt.*` keys (and the replication group) that name live resources, e.g. `adopt.serviceArn`. */
export function adoptedKeys(part: AdoptingPart): string[] {
    const keys = Object.entries(part.adopt)
        .filter(
            ([, value]) =>
                value === true || (typeof value === "string" && value !== "") || (typeof value === "object" && value && Object.keys(value).length > 0),
        )
        .map(([key]) => `adopt.${key}`);
    if (part.dataStores?.redisReplicationGroupId) keys.push("dataStores.redisReplicationGroupId");
    return keys;
}

export function decommissionProblem(partName: "appRunner" | "ecs", part: AdoptingPart): string | undefined {
    if (part.enabled || part.decommission) return undefined;
    const adopted = adoptedKeys(part);
    if (adopted.length === 0) return undefined;
    return (
        `is false on a part that adopted live resources (${adopted.map((k) => `${partName}.${k}`).join(", ")}); ` +
        `to stop managing them on purpose, first set ${partName}.decommission: true and run \`pulumi up\` (it lifts protection and keeps every resource in AWS on delete), then disable`
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
