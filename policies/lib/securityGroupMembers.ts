import { PolicyResource } from "@pulumi/policy";
import { IngressRule, ingressRulesOf, UNKNOWN } from "./ingress";
import { asArray, TYPES } from "./resourceTypes";

export { UNKNOWN };

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

/** Reads through the engine's proxy directly; only when that meets an unknown, from a copy that marks each one. */
function unknownAware<T>(read: (props: Record<string, unknown>) => T, props: Record<string, unknown>): T {
    try {
        return read(props);
    } catch (error) {
        if ((error as Error)?.constructor?.name !== "UnknownValueError") throw error;
        return read(withUnknowns(props) as Record<string, unknown>);
    }
}

function unknownRule(label: string): IngressRule {
    return { label, protocol: UNKNOWN, fromPort: UNKNOWN, toPort: UNKNOWN, cidrs: [UNKNOWN], prefixListIds: [] };
}

function rulesOf(resource: PolicyResource): IngressRule[] {
    const rules = unknownAware(
        (props) => (props.ingress === UNKNOWN ? [unknownRule("ingress")] : (ingressRulesOf(resource.type, props) ?? [])),
        resource.props,
    );
    return rules.map((rule) => ({ ...rule, label: rule.label === "rule" ? resource.name : `${resource.name} ${rule.label}` }));
}

function hasPrefixLists(group: PolicyResource): boolean {
    return unknownAware(
        (props) => props.ingress !== UNKNOWN && asArray(props.ingress).some((rule) => asArray((rule as { prefixListIds?: unknown })?.prefixListIds).length > 0),
        group.props,
    );
}

/**
 * The ingress rules of security groups in the stack that only the whole stack can judge: a group
 * with standalone rules (its inline rules and those taken together), or one whose rules name
 * prefix lists. A standalone rule joins its group by `securityGroupId`; when that id is unknown (a
 * group created in the same preview), by the group its `securityGroupId` property depends on. A
 * rule whose group cannot be told at all forms a group of its own.
 */
export function securityGroupMembers(resources: readonly PolicyResource[]): Map<string, Member[]> {
    const groups = new Map<string, Member[]>();
    const groupKeys = new Map<string, string>();
    const keyOf = (group: PolicyResource) => {
        let key = groupKeys.get(group.urn);
        if (key === undefined) {
            const id = unknownAware((props) => props.id, group.props);
            groupKeys.set(group.urn, (key = typeof id === "string" ? `id:${id}` : `urn:${group.urn}`));
        }
        return key;
    };
    const securityGroups: PolicyResource[] = [];
    for (const resource of resources) {
        if (resource.type === TYPES.securityGroup || resource.type === TYPES.defaultSecurityGroup) {
            securityGroups.push(resource);
        } else if (resource.type === TYPES.securityGroupRule || resource.type === TYPES.ingressRule) {
            const rules = rulesOf(resource);
            if (rules.length === 0) continue; // egress
            const id = unknownAware((props) => props.securityGroupId, resource.props);
            const owner = typeof id === "string" ? undefined : (resource.propertyDependencies?.securityGroupId ?? []).find((d) => GROUP_TYPES.includes(d.type));
            const key = typeof id === "string" ? `id:${id}` : owner ? keyOf(owner) : `rule:${resource.urn}`;
            const members = groups.get(key);
            if (members) members.push({ resource, standalone: true, rules });
            else groups.set(key, [{ resource, standalone: true, rules }]);
        }
    }
    // A group's inline rules come first; a group with neither standalone rules nor prefix lists is the resource policy's alone.
    for (const group of securityGroups) {
        const key = keyOf(group);
        const members = groups.get(key);
        if (members) members.unshift({ resource: group, standalone: false, rules: rulesOf(group) });
        else if (hasPrefixLists(group)) groups.set(key, [{ resource: group, standalone: false, rules: rulesOf(group) }]);
    }
    return groups;
}
