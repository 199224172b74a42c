import { PART_VARIABLE } from "../../policies/lib/untargeted";
import { EnforcementLevel, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { policies as allPolicies } from "../../policies/all";
import { declaredTypes } from "../../policies/lib/resourceTypes";

import { checkingProxy, hasUnknownOrSecret, SecretValueError } from "./valueProxy";

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

/**
 * A policy that read a value it cannot judge: `unknown` (known only after deployment; the engine
 * skips it in preview too and judges it at `up`) or `secret` (the offline tools never see a
 * secret's plaintext; the real engine does). Never counted as passed.
 */
export interface NotEvaluated {
    readonly policyName: string;
    readonly enforcementLevel: EnforcementLevel;
    readonly urn: string;
    readonly cause: "unknown" | "secret";
    readonly reason: string;
}

export interface Evaluation {
    readonly resourcesChecked: number;
    readonly violations: Violation[];
    readonly notEvaluated: NotEvaluated[];
}

/** `--policy-pack-config` file shape: policy name → enforcement level, or `{ enforcementLevel, ...params }`. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

class NotApplicable extends Error {}

/** A policy config (`--policy-config`, as `--policy-pack-config`) that names an unknown policy, level or shape. */
export class PolicyConfigError extends Error {}
const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

interface Prepared {
    readonly name: string;
    readonly level: EnforcementLevel;
    readonly config: Record<string, unknown>;
}

/** Merges each policy's schema defaults with the pack config; refuses unknown names and levels. */
export function preparePolicies(packConfig: PackConfig = {}, policies = allPolicies): Map<string, Prepared> {
    const byName = new Map(policies.map((p) => [p.name, p]));
    if (packConfig === null || typeof packConfig !== "object" || Array.isArray(packConfig)) {
        throw new PolicyConfigError("must be a JSON object of policy name → enforcement level or { enforcementLevel, …settings }");
    }
    for (const [name, value] of Object.entries(packConfig)) {
        if (name !== "all" && !byName.has(name)) throw new PolicyConfigError(`names unknown policy "${name}"; known: ${[...byName.keys()].join(", ")}`);
        if (typeof value !== "string" && (value === null || typeof value !== "object" || Array.isArray(value))) {
            throw new PolicyConfigError(`"${name}" must be an enforcement level or an object; got ${JSON.stringify(value)}`);
        }
    }
    const prepared = new Map<string, Prepared>();
    for (const policy of policies) {
        const given = packConfig[policy.name] ?? packConfig.all;
        const settings = typeof given === "string" ? { enforcementLevel: given } : (given ?? {});
        const level = settings.enforcementLevel ?? policy.enforcementLevel ?? "advisory";
        if (!LEVELS.includes(level))
            throw new PolicyConfigError(`"${policy.name}.enforcementLevel" must be one of ${LEVELS.join(", ")}; got ${JSON.stringify(level)}`);
        const defaults = Object.fromEntries(
            Object.entries(policy.configSchema?.properties ?? {}).map(([k, schema]) => [k, (schema as { default?: unknown }).default]),
        );
        const { enforcementLevel: _ignored, ...params } = settings;
        const problem = exemptionsProblem((params as { exemptions?: unknown }).exemptions);
        if (problem) throw new PolicyConfigError(`"${policy.name}.exemptions" ${problem}`);
        prepared.set(policy.name, { name: policy.name, level, config: { ...defaults, ...params } });
    }
    return prepared;
}

/** What is wrong with a policy's `exemptions`, as the pack's schema (policies/lib/exemptions.ts) would say. */
function exemptionsProblem(exemptions: unknown): string | undefined {
    if (exemptions === undefined) return undefined;
    if (!Array.isArray(exemptions)) return "must be a list of { resource, reason, expires }";
    for (const [i, e] of exemptions.entries()) {
        const entry = e as Record<string, unknown> | null;
        if (entry === null || typeof entry !== "object") return `[${i}] must be an object with resource, reason and expires`;
        const extra = Object.keys(entry).filter((k) => !["resource", "reason", "expires"].includes(k));
        if (extra.length) return `[${i}] has unknown key(s) ${extra.join(", ")}; allowed: resource, reason, expires`;
        if (typeof entry.resource !== "string" || !entry.resource.startsWith("urn:pulumi:")) return `[${i}].resource must be the exact URN (urn:pulumi:…)`;
        if (typeof entry.reason !== "string" || entry.reason.trim() === "") return `[${i}].reason must say why`;
        const expires = typeof entry.expires === "string" ? entry.expires : "";
        const day = Date.parse(`${expires}T00:00:00Z`);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || !Number.isFinite(day) || new Date(day).toISOString().slice(0, 10) !== expires)
            return `[${i}].expires must be a date as YYYY-MM-DD; got ${JSON.stringify(entry.expires)}`;
    }
    return undefined;
}

function guarded<T extends object>(props: T): T {
    return hasUnknownOrSecret(props) ? checkingProxy(props) : props;
}

function notApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

/** The pack's policies are synchronous; an asynchronous one would report after this evaluator returned. */
function mustBeSynchronous(policyName: string, result: unknown): void {
    if (result instanceof Promise) throw new Error(`policy ${policyName} is asynchronous; the offline evaluator runs synchronous policies only`);
}

/** Why a policy could not judge a value, or undefined when the error is a real failure. */
function notEvaluatedCause(error: unknown): NotEvaluated["cause"] | undefined {
    if (error instanceof SecretValueError) return "secret";
    return (error as Error)?.constructor?.name === "UnknownValueError" ? "unknown" : undefined;
}

/**
 * Runs the pack's real validation functions over resources, as the engine's analyzer does
 * during `pulumi preview`: resource policies on inputs, stack policies on outputs.
 */
export function evaluatePolicies(
    resources: readonly ResourceUnderCheck[],
    packConfig: PackConfig = {},
    policies = allPolicies,
    stackConfig?: Readonly<Record<string, unknown>>,
): Evaluation {
    if (stackConfig === undefined) return evaluate(resources, packConfig, policies);
    // The CLI hands a policy pack the stack's config in PULUMI_CONFIG (string values, objects as JSON); do the same.
    const saved = process.env.PULUMI_CONFIG;
    process.env.PULUMI_CONFIG = JSON.stringify(
        Object.fromEntries(Object.entries(stackConfig).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])),
    );
    try {
        return evaluate(resources, packConfig, policies);
    } finally {
        if (saved === undefined) delete process.env.PULUMI_CONFIG;
        else process.env.PULUMI_CONFIG = saved;
    }
}

/** Props as policies see them: wrapped in a checking proxy only when they hold an unknown or a secret. */
class GuardedProps {
    private readonly inputs: (Record<string, unknown> | undefined)[];

    constructor(private readonly resources: readonly ResourceUnderCheck[]) {
        this.inputs = new Array(resources.length);
    }

    /** Inputs, as resource policies see them; walked once per resource, however many policies read them. */
    inputsOf(index: number): Record<string, unknown> {
        return (this.inputs[index] ??= guarded(this.resources[index].inputs));
    }

    /** Inputs overlaid by outputs, as stack policies see them. */
    stateOf(index: number): Record<string, unknown> {
        const { inputs, outputs } = this.resources[index];
        if (outputs === undefined || outputs === inputs) return this.inputsOf(index);
        return guarded({ ...inputs, ...outputs });
    }
}

/** Resource options as policies see them; the offline tools know only `protect`. Shared by every resource. */
const UNPROTECTED_OPTIONS = Object.freeze({
    protect: false as boolean,
    ignoreChanges: [] as string[],
    aliases: [] as string[],
    additionalSecretOutputs: [] as string[],
});
const PROTECTED_OPTIONS = Object.freeze({ ...UNPROTECTED_OPTIONS, protect: true });
const neverAType = (() => undefined) as ResourceValidationArgs["asType"];

function evaluate(resources: readonly ResourceUnderCheck[], packConfig: PackConfig, policies: typeof allPolicies): Evaluation {
    // Offline, every resource is the program's (or the export's) own: none stands for an untargeted
    // one, so the pack's skip for a part's update (policies/lib/untargeted.ts) must not apply.
    const part = process.env[PART_VARIABLE];
    delete process.env[PART_VARIABLE];
    try {
        return evaluateAll(resources, packConfig, policies);
    } finally {
        if (part !== undefined) process.env[PART_VARIABLE] = part;
    }
}

function evaluateAll(resources: readonly ResourceUnderCheck[], packConfig: PackConfig, policies: typeof allPolicies): Evaluation {
    const prepared = preparePolicies(packConfig, policies);
    const violations: Violation[] = [];
    const notEvaluated: Evaluation["notEvaluated"] = [];
    const stackTags = new Map<string, string>();
    const props = new GuardedProps(resources);
    const resourcePolicies = policies.filter((p): p is ResourceValidationPolicy => "validateResource" in p && prepared.get(p.name)!.level !== "disabled");
    const stackPolicies = policies.filter((p): p is StackValidationPolicy => "validateStack" in p && prepared.get(p.name)!.level !== "disabled");

    const validations = resourcePolicies.flatMap((policy) =>
        [policy.validateResource ?? []].flat().map((validate) => ({ policy, validate, types: declaredTypes(validate), ...prepared.get(policy.name)! })),
    );
    let current: (typeof validations)[number];
    let resource: ResourceUnderCheck;
    const report = (message: string) =>
        violations.push({ policyName: current.policy.name, enforcementLevel: current.level, urn: resource.urn, resourceType: resource.type, message });
    const getConfig = <T extends object>() => current.config as T;
    /** Per type: the validations that apply, and the type test every resource of it shares. */
    const byType = new Map<string, { applicable: typeof validations; isType: ResourceValidationArgs["isType"] }>();
    for (let index = 0; index < resources.length; index++) {
        resource = resources[index];
        const type = resource.type;
        let forType = byType.get(type);
        if (!forType) {
            forType = {
                applicable: validations.filter((v) => !v.types || v.types.includes(type)),
                isType: (cls) => (cls as unknown as { __pulumiType?: string }).__pulumiType === type,
            };
            byType.set(type, forType);
        }
        if (forType.applicable.length === 0) continue;
        // One args object per resource, shared by its policies; only the config differs between them.
        const args: ResourceValidationArgs = {
            type,
            props: props.inputsOf(index),
            urn: resource.urn,
            name: resource.name,
            opts: (resource.protect ? PROTECTED_OPTIONS : UNPROTECTED_OPTIONS) as unknown as ResourceValidationArgs["opts"],
            stackTags,
            isType: forType.isType,
            asType: neverAType,
            getConfig,
            notApplicable,
        };
        for (current of forType.applicable) {
            const { policy, validate } = current;
            try {
                mustBeSynchronous(policy.name, validate(args, report));
            } catch (error) {
                if (error instanceof NotApplicable) continue;
                const cause = notEvaluatedCause(error);
                if (!cause) throw error;
                notEvaluated.push({ policyName: policy.name, enforcementLevel: current.level, urn: resource.urn, cause, reason: (error as Error).message });
            }
        }
    }

    if (stackPolicies.length > 0) {
        const stack = toPolicyResources(resources, props);
        const typeOfUrn = new Map(resources.map((r) => [r.urn, r.type]));
        for (const policy of stackPolicies) {
            const { level, config } = prepared.get(policy.name)!;
            try {
                const result = policy.validateStack(
                    { resources: stack, stackTags, getConfig: <T extends object>() => config as T, notApplicable },
                    (message, urn) =>
                        violations.push({
                            policyName: policy.name,
                            enforcementLevel: level,
                            urn: urn ?? "",
                            resourceType: (urn !== undefined && typeOfUrn.get(urn)) || "pulumi:pulumi:Stack",
                            message,
                        }),
                );
                mustBeSynchronous(policy.name, result);
            } catch (error) {
                if (error instanceof NotApplicable) continue;
                const cause = notEvaluatedCause(error);
                if (!cause) throw error;
                notEvaluated.push({ policyName: policy.name, enforcementLevel: level, urn: "", cause, reason: (error as Error).message });
            }
        }
    }
    return { resourcesChecked: resources.length, violations, notEvaluated };
}

/** A resource as stack policies see it; props (inputs overlaid by outputs) are built on first read. */
class StackResource {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly opts: typeof UNPROTECTED_OPTIONS;
    parent: PolicyResource | undefined;
    dependencies: PolicyResource[];
    propertyDependencies: Record<string, PolicyResource[]>;
    private cachedProps: Record<string, unknown> | undefined;

    constructor(
        source: ResourceUnderCheck,
        private readonly index: number,
        private readonly guardedProps: GuardedProps,
    ) {
        this.type = source.type;
        this.name = source.name;
        this.urn = source.urn;
        this.opts = source.protect ? PROTECTED_OPTIONS : UNPROTECTED_OPTIONS;
        this.parent = undefined;
        this.dependencies = [];
        this.propertyDependencies = {};
        this.cachedProps = undefined;
    }

    get props(): Record<string, unknown> {
        return (this.cachedProps ??= this.guardedProps.stateOf(this.index));
    }

    isType(): boolean {
        return false;
    }

    asType(): undefined {
        return undefined;
    }
}

function toPolicyResources(resources: readonly ResourceUnderCheck[], props: GuardedProps): PolicyResource[] {
    const list = resources.map((r, index) => new StackResource(r, index, props));
    const byUrn = new Map(list.map((r) => [r.urn, r as unknown as PolicyResource]));
    const resolve = (urns: readonly string[]) => urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
    for (let index = 0; index < resources.length; index++) {
        const { parent, dependencies, propertyDependencies } = resources[index];
        const resource = list[index];
        if (parent) resource.parent = byUrn.get(parent);
        if (dependencies) resource.dependencies = resolve(dependencies);
        if (propertyDependencies) {
            resource.propertyDependencies = Object.fromEntries(Object.entries(propertyDependencies).map(([property, urns]) => [property, resolve(urns)]));
        }
    }
    return list as unknown as PolicyResource[];
}

export function mandatoryCount(evaluation: Evaluation): number {
    return evaluation.violations.filter((v) => v.enforcementLevel === "mandatory").length;
}

/** Mandatory policies that met a secret and so were neither passed nor failed. */
export function mandatoryNotEvaluatedOnSecrets(evaluation: Evaluation): number {
    return evaluation.notEvaluated.filter((n) => n.cause === "secret" && n.enforcementLevel === "mandatory").length;
}

/**
 * Exit code of the plan and the checker: 1 on a mandatory violation; else 3 when a mandatory
 * policy could not be evaluated on a secret value (not a pass: check it with the real engine);
 * else 0. Unknowns do not count: the engine, too, judges them only at `up`.
 */
export function exitCodeOf(evaluation: Evaluation): 0 | 1 | 3 {
    if (mandatoryCount(evaluation) > 0) return 1;
    return mandatoryNotEvaluatedOnSecrets(evaluation) > 0 ? 3 : 0;
}
