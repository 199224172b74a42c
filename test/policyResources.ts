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
