import { ResourceUnderCheck } from "./evaluatePolicies";
import { redactSecrets } from "./secretValues";

/** Input that is not a stack export, a `pulumi preview --json` or an offline plan. */
export class InputError extends Error {}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function nameFromUrn(urn: string): string {
    const index = urn.lastIndexOf("::");
    return index >= 0 ? urn.slice(index + 2) : urn;
}

function toResource(raw: unknown, where: string): ResourceUnderCheck {
    if (!isObject(raw)) throw new InputError(`${where} is not an object`);
    // Ciphertext, or plaintext from `--show-secrets`: neither is judged nor printed.
    const entry = redactSecrets(raw) as Json;
    const { urn, type } = entry;
    if (typeof urn !== "string" || typeof type !== "string") throw new InputError(`${where} needs string "urn" and "type"`);
    const inputs = isObject(entry.inputs) ? entry.inputs : {};
    return {
        urn,
        type,
        name: typeof entry.name === "string" ? entry.name : nameFromUrn(urn),
        inputs,
        outputs: isObject(entry.outputs) ? { ...entry.outputs, ...(typeof entry.id === "string" ? { id: entry.id } : {}) } : undefined,
        parent: typeof entry.parent === "string" ? entry.parent : undefined,
        dependencies: Array.isArray(entry.dependencies) ? entry.dependencies.filter((d): d is string => typeof d === "string") : undefined,
        propertyDependencies: isObject(entry.propertyDependencies)
            ? Object.fromEntries(
                  Object.entries(entry.propertyDependencies).map(([k, v]) => [k, Array.isArray(v) ? v.filter((d): d is string => typeof d === "string") : []]),
              )
            : undefined,
        protect: entry.protect === true,
    };
}

/**
 * Resources from any of the three shapes this project reads:
 * `pulumi stack export` (deployment.resources[]), `pulumi preview --json` (steps[].newState)
 * and the offline plan's --json (resources[]).
 */
export function resourcesFromDocument(document: unknown): ResourceUnderCheck[] {
    if (!isObject(document)) throw new InputError("expected a JSON object: a `pulumi stack export`, a `pulumi preview --json` or an offline plan");
    if (isObject(document.deployment)) {
        const list = document.deployment.resources ?? [];
        if (!Array.isArray(list)) throw new InputError("deployment.resources must be an array");
        return list.map((r, i) => toResource(r, `deployment.resources[${i}]`));
    }
    if (Array.isArray(document.steps)) {
        return document.steps.flatMap((step, i) => {
            if (!isObject(step)) throw new InputError(`steps[${i}] is not an object`);
            return step.newState === undefined ? [] : [toResource(step.newState, `steps[${i}].newState`)];
        });
    }
    if (Array.isArray(document.resources)) return document.resources.map((r, i) => toResource(r, `resources[${i}]`));
    throw new InputError("found none of deployment.resources (stack export), steps (preview --json) or resources (offline plan)");
}
