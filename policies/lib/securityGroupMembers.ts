import { PolicyResource } from "@pulumi/policy";
import { IngressRule, ingressRulesOf } from "./ingress";
import { TYPES } from "./resourceTypes";

/** Stands in for a value only known after deployment (a preview), once read out of the engine's proxy. */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** A deep copy of props in which every preview-time unknown is UNKNOWN instead of a throwing read. */
export function withUnknowns(value: unknown): unknown {
    if (value === null || typeof value !== "object") return value;
    const read = (key: string | number) => {
        try {
            return withUnknowns((value as Record<string | number, unknown>)[key]);
        } catch (error) {
            if ((error as Error)?.constructor?.name === "UnknownValueError") return UNKNOWN;
            throw error;
        }
    };
    if (Array.isArray(value)) return value.map((_, i) => read(i));
    return Object.fromEntries(Object.keys(value).map((key) => [key, read(key)]));
}

export function hasUnknown(value: unknown): boolean {
    return value === UNKNOWN || (Array.isArray(value) && value.some(hasUnknown));
}

/** One resource's ingress rules on a security group: the group's inline rules, or one standalone rule. */
export interface Member {
    readonly resource: PolicyResource;
    readonly standalone: boolean;
    readonly rules: IngressRule[];
}

const GROUP_TYPES: readonly string[] = [TYPES.securityGroup, TYPES.defaultSecurityGroup];
const RULE_TYPES: readonly string[] = [TYPES.securityGroupRule, TYPES.ingressRule];

function groupKey(group: PolicyResource, props: Record<string, unknown>): string {
    return typeof props.id === "string" ? `id:${props.id}` : `urn:${group.urn}`;
}

/**
 * The ingress rules of every security group in the stack, inline and standalone together. A
 * standalone rule joins its group by `securityGroupId`; when that id is unknown (a group created
 * in the same preview), by the group its `securityGroupId` property depends on. A rule whose
 * group cannot be told at all forms a group of its own.
 */
export function securityGroupMembers(resources: readonly PolicyResource[]): Map<string, Member[]> {
    const groups = new Map<string, Member[]>();
    const add = (key: string, member: Member) => groups.set(key, [...(groups.get(key) ?? []), member]);
    const groupProps = new Map<string, Record<string, unknown>>();
    const propsOf = (group: PolicyResource) => {
        let props = groupProps.get(group.urn);
        if (!props) groupProps.set(group.urn, (props = withUnknowns(group.props) as Record<string, unknown>));
        return props;
    };
    for (const resource of resources) {
        if (GROUP_TYPES.includes(resource.type)) {
            const props = propsOf(resource);
            const rules = props.ingress === UNKNOWN ? [unknownRule("ingress")] : ingressRulesOf(resource.type, props);
            add(groupKey(resource, props), { resource, standalone: false, rules: labelled(resource, rules) });
        } else if (RULE_TYPES.includes(resource.type)) {
            const props = withUnknowns(resource.props) as Record<string, unknown>;
            const rules = ingressRulesOf(resource.type, props) ?? [];
            if (rules.length === 0) continue; // egress
            const id = props.securityGroupId;
            const owner = (resource.propertyDependencies?.securityGroupId ?? []).find((d) => GROUP_TYPES.includes(d.type));
            const key = typeof id === "string" ? `id:${id}` : owner ? groupKey(owner, propsOf(owner)) : `rule:${resource.urn}`;
            add(key, { resource, standalone: true, rules: labelled(resource, rules) });
        }
    }
    return groups;
}

function unknownRule(label: string): IngressRule {
    return { label, protocol: UNKNOWN, fromPort: UNKNOWN, toPort: UNKNOWN, cidrs: [UNKNOWN], prefixListIds: [] };
}

function labelled(resource: PolicyResource, rules: IngressRule[] | undefined): IngressRule[] {
    return (rules ?? []).map((rule) => ({ ...rule, label: rule.label === "rule" ? resource.name : `${resource.name} ${rule.label}` }));
}
