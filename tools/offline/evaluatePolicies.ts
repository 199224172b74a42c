import { EnforcementLevel, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies as allPolicies } from "../../policies/all";
import { declaredTypes } from "../../policies/lib/resourceTypes";

// The engine wraps props in this proxy, so a policy that touches a preview-time unknown stops the same way here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownCheckingProxy, unknownStringValue } = require("@pulumi/policy/proxy") as { unknownCheckingProxy<T>(o: T): T; unknownStringValue: string };

/** A resource as a stack export, a preview or the offline plan describes it. */
export interface ResourceUnderCheck {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    /** Inputs: what resource policies see. */
    readonly inputs: Record<string, unknown>;
    /** Outputs: what stack policies see; the inputs stand in when there are none. */
    readonly outputs?: Record<string, unknown>;
    readonly parent?: string;
    readonly dependencies?: readonly string[];
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
    readonly protect?: boolean;
}

export interface Violation {
    readonly policyName: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly urn: string;
    readonly resourceType: string;
    readonly message: string;
}

export interface Evaluation {
    readonly resourcesChecked: number;
    readonly violations: Violation[];
    /** Policies that met a value only known after deployment, as the engine reports during preview. */
    readonly notEvaluated: { policyName: string; urn: string; reason: string }[];
}

/** `--policy-pack-config` file shape: policy name → enforcement level, or `{ enforcementLevel, ...params }`. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

class NotApplicable extends Error {}
const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

interface Prepared {
    readonly name: string;
    readonly level: EnforcementLevel;
    readonly config: Record<string, unknown>;
}

/** Merges each policy's schema defaults with the pack config; refuses unknown names and levels. */
export function preparePolicies(packConfig: PackConfig = {}, policies = allPolicies): Map<string, Prepared> {
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const name of Object.keys(packConfig)) {
        if (name !== "all" && !byName.has(name)) throw new Error(`policy config names unknown policy "${name}"; known: ${[...byName.keys()].join(", ")}`);
    }
    const prepared = new Map<string, Prepared>();
    for (const policy of policies) {
        const given = packConfig[policy.name] ?? packConfig.all;
        const settings = typeof given === "string" ? { enforcementLevel: given } : (given ?? {});
        const level = settings.enforcementLevel ?? policy.enforcementLevel ?? "advisory";
        if (!LEVELS.includes(level))
            throw new Error(`policy config "${policy.name}.enforcementLevel" must be one of ${LEVELS.join(", ")}; got ${JSON.stringify(level)}`);
        const defaults = Object.fromEntries(
            Object.entries(policy.configSchema?.properties ?? {}).map(([k, schema]) => [k, (schema as { default?: unknown }).default]),
        );
        const { enforcementLevel: _ignored, ...params } = settings;
        prepared.set(policy.name, { name: policy.name, level, config: { ...defaults, ...params } });
    }
    return prepared;
}

function hasUnknown(value: unknown): boolean {
    if (value === unknownStringValue) return true;
    if (value === null || typeof value !== "object") return false;
    for (const child of Array.isArray(value) ? value : Object.values(value)) if (hasUnknown(child)) return true;
    return false;
}

function guarded<T extends object>(props: T): T {
    return hasUnknown(props) ? unknownCheckingProxy(props) : props;
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

function isUnknownError(error: unknown): boolean {
    return (error as Error)?.constructor?.name === "UnknownValueError";
}

/**
 * Runs the pack's real validation functions over resources, as the engine's analyzer does
 * during `pulumi preview`: resource policies on inputs, stack policies on outputs.
 */
export function evaluatePolicies(resources: readonly ResourceUnderCheck[], packConfig: PackConfig = {}, policies = allPolicies): Evaluation {
    const prepared = preparePolicies(packConfig, policies);
    const violations: Violation[] = [];
    const notEvaluated: Evaluation["notEvaluated"] = [];
    const stackTags = new Map<string, string>();
    const resourcePolicies = policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p && prepared.get(p.name)!.level !== "disabled");
    const stackPolicies = policies.filter((p): p is StackValidationPolicy => "validateStack" in p && prepared.get(p.name)!.level !== "disabled");

    const validations = resourcePolicies.flatMap((policy) =>
        [policy.validateResource ?? []].flat().map((validate) => ({ policy, validate, types: declaredTypes(validate) })),
    );
    for (const resource of resources) {
        const applicable = validations.filter((v) => !v.types || v.types.includes(resource.type));
        if (applicable.length === 0) continue;
        const props = guarded(resource.inputs);
        for (const { policy, validate } of applicable) {
            const { level, config } = prepared.get(policy.name)!;
            const args: ResourceValidationArgs = {
                type: resource.type,
                props,
                urn: resource.urn,
                name: resource.name,
                opts: {
                    protect: resource.protect ?? false,
                    ignoreChanges: [],
                    aliases: [],
                    additionalSecretOutputs: [],
                } as unknown as ResourceValidationArgs["opts"],
                stackTags,
                isType: (cls) => (cls as unknown as { __pulumiType?: string }).__pulumiType === resource.type,
                asType: (() => undefined) as ResourceValidationArgs["asType"],
                getConfig: <T extends object>() => config as T,
                notApplicable,
            };
            try {
                void validate(args, (message) =>
                    violations.push({ policyName: policy.name, enforcementLevel: level, urn: resource.urn, resourceType: resource.type, message }),
                );
            } catch (error) {
                if (error instanceof NotApplicable) continue;
                if (isUnknownError(error)) notEvaluated.push({ policyName: policy.name, urn: resource.urn, reason: (error as Error).message });
                else throw error;
            }
        }
    }

    if (stackPolicies.length > 0) {
        const stack = toPolicyResources(resources);
        for (const policy of stackPolicies) {
            const { level, config } = prepared.get(policy.name)!;
            try {
                void policy.validateStack({ resources: stack, stackTags, getConfig: <T extends object>() => config as T, notApplicable }, (message, urn) =>
                    violations.push({
                        policyName: policy.name,
                        enforcementLevel: level,
                        urn: urn ?? "",
                        resourceType: stack.find((r) => r.urn === urn)?.type ?? "pulumi:pulumi:Stack",
                        message,
                    }),
                );
            } catch (error) {
                if (error instanceof NotApplicable) continue;
                if (isUnknownError(error)) notEvaluated.push({ policyName: policy.name, urn: "", reason: (error as Error).message });
                else throw error;
            }
        }
    }
    return { resourcesChecked: resources.length, violations, notEvaluated };
}

function toPolicyResources(resources: readonly ResourceUnderCheck[]): PolicyResource[] {
    const byUrn = new Map<string, PolicyResource>();
    const list = resources.map((r) => {
        const resource = {
            type: r.type,
            name: r.name,
            urn: r.urn,
            props: guarded({ ...r.inputs, ...(r.outputs ?? {}) }),
            opts: { protect: r.protect ?? false, ignoreChanges: [], aliases: [] },
            dependencies: [] as PolicyResource[],
            propertyDependencies: {} as Record<string, PolicyResource[]>,
            isType: () => false,
            asType: () => undefined,
        } as unknown as PolicyResource;
        byUrn.set(r.urn, resource);
        return resource;
    });
    resources.forEach((r, i) => {
        const resource = list[i] as { parent?: PolicyResource; dependencies: PolicyResource[]; propertyDependencies: Record<string, PolicyResource[]> };
        resource.parent = r.parent ? byUrn.get(r.parent) : undefined;
        resource.dependencies = (r.dependencies ?? []).map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
        for (const [property, urns] of Object.entries(r.propertyDependencies ?? {})) {
            resource.propertyDependencies[property] = urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
        }
    });
    return list;
}

export function mandatoryCount(evaluation: Evaluation): number {
    return evaluation.violations.filter((v) => v.enforcementLevel === "mandatory").length;
}
