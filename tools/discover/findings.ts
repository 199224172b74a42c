/** The config part a value belongs to: `egress-remediation:appRunner` or `egress-remediation:ecs`. */
export type Part = "appRunner" | "ecs";

/** A value to write into the stack file, with the read that produced it. */
export interface Change {
    readonly part: Part;
    /** Path inside the part, e.g. `["network", "publicSubnetIds"]`. */
    readonly path: readonly (string | number)[];
    readonly value: unknown;
    /** Where it came from: the API call and the resource, e.g. `ec2:DescribeRouteTables rtb-0abc`. */
    readonly source: string;
}

export type Level = "ok" | "warn" | "fail";

/** One line of the checks on the way; `fail` makes the run exit 1 and refuses `--write`. */
export interface Check {
    readonly level: Level;
    readonly message: string;
}

/** A secret-looking live variable that is not written: its name goes under `secrets` with a note. */
export interface SecretToCreate {
    readonly part: Part;
    /** Path of the `secrets` map the note goes under. */
    readonly secretsPath: readonly string[];
    readonly name: string;
    readonly source: string;
}

/**
 * A key discover read but could not settle, for instance live variables it left out: its
 * `unverified` entry stays (or is added), with `reason` naming what is still missing, so
 * `pulumi up` keeps refusing it.
 */
export interface LeftOpen {
    /** `ecs.api.env`: the key as `unverified` names it. */
    readonly key: string;
    readonly reason: string;
    /** The command that shows the live value. */
    readonly confirm: string;
}

export interface Discovery {
    readonly changes: Change[];
    readonly checks: Check[];
    /** Live facts the stack config has no key for; printed, never written. */
    readonly facts: string[];
    readonly secretsToCreate: SecretToCreate[];
    /** Keys (`ecs.api.loadBalancer`) read from the account, changed or not: dropped from `unverified`. */
    readonly confirmed: string[];
    /** Keys that stay in `unverified` even if a change sets them: something live was left out. */
    readonly open: LeftOpen[];
}

export function emptyDiscovery(): Discovery {
    return { changes: [], checks: [], facts: [], secretsToCreate: [], confirmed: [], open: [] };
}

export function merge(...parts: Discovery[]): Discovery {
    const open = parts.flatMap((p) => p.open);
    const openKeys = new Set(open.map((o) => o.key));
    return {
        changes: parts.flatMap((p) => p.changes),
        checks: parts.flatMap((p) => p.checks),
        facts: parts.flatMap((p) => p.facts),
        secretsToCreate: parts.flatMap((p) => p.secretsToCreate),
        confirmed: parts.flatMap((p) => [...p.confirmed, ...p.changes.map((c) => keyOf(c.part, c.path))]).filter((key) => !openKeys.has(key)),
        open,
    };
}

/** `appRunner.network.publicSubnetIds`: the key a change or note names in output. */
export function keyOf(part: Part, path: readonly (string | number)[]): string {
    return [part, ...path].join(".");
}
