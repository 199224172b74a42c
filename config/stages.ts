/**
 * The road from the live accounts to the end state, one reviewed `pulumi up` per stage and part:
 * each stage is a one-line change of the stack file and builds on the stage before it.
 *
 * - appRunner `egress`: the NAT path only (Elastic IP, NAT gateway, route table, associations).
 * - appRunner `adopt`, ecs `adopt`: the live resources imported with their live values; only tags change.
 * - `harden`: the end state (scoped rules, Redis in its own group, health check, size, variables,
 *   pinned task definitions with circuit breakers); the live world-open rule is deleted.
 */
export const APP_RUNNER_STAGES = ["egress", "adopt", "harden"] as const;
export const ECS_STAGES = ["adopt", "harden"] as const;
export type AppRunnerStage = (typeof APP_RUNNER_STAGES)[number];
export type EcsStage = (typeof ECS_STAGES)[number];
export type Part = "appRunner" | "ecs";
export const PARTS: readonly Part[] = ["appRunner", "ecs"];

/**
 * The config keys (below the part) a stage reads; `harden` reads them all. A value nobody has
 * confirmed blocks `pulumi up` only once a stage reads it: the NAT fix needs the network alone.
 */
const KEYS_READ: Readonly<Record<Part, Readonly<Record<string, readonly string[] | "all">>>> = {
    appRunner: {
        egress: ["enabled", "stage", "account", "network"],
        adopt: ["enabled", "stage", "account", "network", "connectorName", "adopt", "dataStores", "service.name", "service.image", "service.port"],
        harden: "all",
    },
    ecs: {
        adopt: ["enabled", "stage", "account", "clusterName", "name", "adopt"],
        harden: "all",
    },
};

/** The part a dotted key such as `ecs.api.image` belongs to. */
export function partOf(key: string): Part | undefined {
    const head = key.split(".")[0];
    return (PARTS as readonly string[]).includes(head) ? (head as Part) : undefined;
}

/** Whether the given stage of a part reads `key` (a dotted key starting with the part). */
export function stageReads(part: Part, stage: string, key: string): boolean {
    const read = KEYS_READ[part][stage];
    if (read === undefined) return false;
    if (read === "all") return true;
    const rest = key.split(".").slice(1).join(".");
    return read.some((prefix) => rest === prefix || rest.startsWith(`${prefix}.`) || prefix.startsWith(`${rest}.`));
}

/** The stage after `stage`, or undefined at the last one. */
export function nextStage(part: Part, stage: string): string | undefined {
    const order: readonly string[] = part === "appRunner" ? APP_RUNNER_STAGES : ECS_STAGES;
    const index = order.indexOf(stage);
    return index >= 0 ? order[index + 1] : undefined;
}

/** The environment variable that narrows `pulumi up`'s refusal to one part (with `--target`, see docs/stages.md). */
export const PART_VARIABLE = "EGRESS_REMEDIATION_PART";

/** The part `EGRESS_REMEDIATION_PART` names, or undefined when unset; any other value stops the program in one line. */
export function partFromEnvironment(environment: NodeJS.ProcessEnv): Part | undefined {
    const value = environment[PART_VARIABLE];
    if (value === undefined || value === "") return undefined;
    if ((PARTS as readonly string[]).includes(value)) return value as Part;
    throw new PartVariableError(`${PART_VARIABLE} must be one of ${PARTS.join(", ")} (or unset for both); got "${value}"`);
}

export class PartVariableError extends Error {}

/**
 * The names of one part's resources, as URN-name globs: its account's provider, its components and
 * their children (each child's name starts with its component's). Every resource of the program is in
 * exactly one part (test/stages.test.ts), so a targeted update of one part never touches the other.
 */
const PART_RESOURCE_NAMES: Readonly<Record<Part, readonly string[]>> = {
    appRunner: ["apprunner-account", "egress*", "app", "app-*", "data", "data-*"],
    ecs: ["ecs-account", "workloads*"],
};

/**
 * `pulumi up --target` globs for one part of a stack: the engine matches `*` within a URN segment and
 * `**` across segments (pkg/resource/deploy `UrnTargets`), and skips creating anything untargeted.
 */
export function partTargets(project: string, stack: string, part: Part): string[] {
    return PART_RESOURCE_NAMES[part].map((name) => `urn:pulumi:${stack}::${project}::**::${name}`);
}

/** The same match as the engine's, for checking a URN against `partTargets` without an engine. */
export function matchesTarget(glob: string, urn: string): boolean {
    const pattern = glob
        .split("**")
        .map((segment) =>
            segment
                .split("*")
                .map((text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
                .join("[^:]*"),
        )
        .join(".*");
    return new RegExp(`^${pattern}$`).test(urn);
}
