import { asArray, TYPES } from "./resourceTypes";
import { databasePortsIn, portSpan } from "./ports";
import { countedRanges, worldOpenFamiliesOf } from "./cidr";

/** One ingress rule, whatever resource shape carried it. */
export interface IngressRule {
    /** How to find it in the resource: `ingress[2]`, or the resource itself. */
    readonly label: string;
    readonly protocol: unknown;
    readonly fromPort: unknown;
    readonly toPort: unknown;
    /** IPv4 and IPv6 CIDR sources (security-group, prefix-list and self sources are never world). */
    readonly cidrs: unknown[];
}

/** The ingress rules a resource carries; undefined for types that carry none. */
export function ingressRulesOf(type: string, props: Record<string, any>): IngressRule[] | undefined {
    switch (type) {
        case TYPES.securityGroup:
        case TYPES.defaultSecurityGroup:
            return asArray(props.ingress).map((rule: any, i) => ({
                label: `ingress[${i}]`,
                protocol: rule?.protocol,
                fromPort: rule?.fromPort,
                toPort: rule?.toPort,
                cidrs: [...asArray(rule?.cidrBlocks), ...asArray(rule?.ipv6CidrBlocks)],
            }));
        case TYPES.securityGroupRule:
            if (String(props.type).toLowerCase() !== "ingress") return [];
            return [
                {
                    label: "rule",
                    protocol: props.protocol,
                    fromPort: props.fromPort,
                    toPort: props.toPort,
                    cidrs: [...asArray(props.cidrBlocks), ...asArray(props.ipv6CidrBlocks)],
                },
            ];
        case TYPES.ingressRule:
            return [
                {
                    label: "rule",
                    protocol: props.ipProtocol,
                    fromPort: props.fromPort,
                    toPort: props.toPort,
                    cidrs: [props.cidrIpv4, props.cidrIpv6].filter((c) => c !== undefined),
                },
            ];
        default:
            return undefined;
    }
}

/** The security group a standalone rule belongs to, for grouping rules across resources. */
export function ruleSecurityGroupId(type: string, props: Record<string, any>): unknown {
    return type === TYPES.securityGroupRule || type === TYPES.ingressRule ? props.securityGroupId : undefined;
}

export interface WorldOpenFinding {
    readonly port: number;
    readonly labels: string[];
    readonly cidrs: string[];
}

/**
 * For each database port, whether the rules that admit it together admit the whole IPv4 or
 * IPv6 space. One rule with 0.0.0.0/0 and two rules with 0.0.0.0/1 and 128.0.0.0/1 are the same
 * exposure and are reported the same way.
 */
export function worldOpenDatabasePorts(rules: readonly IngressRule[], ports: readonly number[], exemptCidrs: readonly string[]): WorldOpenFinding[] {
    const admitting = rules
        .map((rule) => ({
            rule,
            dbPorts: new Set(databasePortsIn(portSpan(rule.protocol, rule.fromPort, rule.toPort), ports)),
            ranges: countedRanges(rule.cidrs, exemptCidrs),
        }))
        .filter((a) => a.dbPorts.size > 0 && a.ranges.length > 0);
    // Most groups never reach the whole internet on any port: one union check settles them.
    if (worldOpenFamiliesOf(admitting.flatMap((a) => a.ranges)).length === 0) return [];
    const findings: WorldOpenFinding[] = [];
    for (const port of ports) {
        const open = admitting.filter((a) => a.dbPorts.has(port));
        if (worldOpenFamiliesOf(open.flatMap((a) => a.ranges)).length > 0) {
            findings.push({ port, labels: open.map((a) => a.rule.label), cidrs: open.flatMap((a) => a.rule.cidrs.map(String)) });
        }
    }
    return findings;
}
