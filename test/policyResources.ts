import { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { evaluatePolicies, ResourceUnderCheck } from "../tools/offline/evaluatePolicies";

let counter = 0;

/** A resource as the pack sees it, named uniquely unless `extra.name` says otherwise. */
export function resource(type: string, inputs: Record<string, unknown>, extra: Partial<ResourceUnderCheck> = {}): ResourceUnderCheck {
    const name = extra.name ?? `r${++counter}`;
    return { urn: `urn:pulumi:test::p::${type}::${name}`, type, name, inputs, ...extra };
}

/** The messages one policy reports on these resources. */
export function violationsOf(resources: ResourceUnderCheck[], policy: string, config = {}): string[] {
    return evaluatePolicies(resources, config)
        .violations.filter((v) => v.policyName === policy)
        .map((v) => v.message);
}

/**
 * Why a resource policy skips this resource (the reason the engine shows for "not applicable"),
 * or undefined when it judges it. Calls the validation directly, as the engine does for every type.
 */
export function notApplicableReason(policy: ResourceValidationPolicy, type: string, props: Record<string, unknown>, config = {}): string | undefined {
    let reason: string | undefined;
    const skip = new Error("not applicable");
    const args = {
        type,
        props,
        urn: `urn:pulumi:test::p::${type}::direct`,
        name: "direct",
        getConfig: () => config,
        notApplicable: (why?: string) => {
            reason = why;
            throw skip;
        },
    } as unknown as ResourceValidationArgs;
    for (const validate of [policy.validateResource ?? []].flat()) {
        try {
            validate(args, () => undefined);
        } catch (error) {
            if (error !== skip) throw error;
        }
    }
    return reason;
}
