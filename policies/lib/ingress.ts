import { asArray, known, TYPES } from "./resourceTypes";
import { databasePortsIn, portSpan } from "./ports";
import { CidrRange, countedRanges, isBroadPublic, MinPublicPrefix, worldOpenFamiliesOf } from "./cidr";

/** Stands in for a value only known after deployment (a preview), once read out of the engine's proxy. */
export const UNKNOWN: unique symbol = Symbol("unknown");

/** One ingress rule, whatever resource shape carried it. */
export interface IngressRule {
    /** How to find it in the resource: `ingress[2]`, or the resource itself. */
    readonly label: string;
    readonly protocol: unknown;
    readonly fromPort: unknown;
    readonly toPort: unknown;
    /** IPv4 and IPv6 CIDR sources (security-group and self sources are never world). */
    readonly cidrs: unknown[];
    /**
     * Managed prefix lists the rule admits; only the stack policy resolves them. Read in full here: a
     * list created in the same preview is an unknown element (`[pl.id]`), which becomes one UNKNOWN.
     */
    readonly prefixListIds: unknown[];
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
                prefixListIds: known(() => [...asArray(rule?.prefixListIds)]) ?? [UNKNOWN],
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
                    prefixListIds: known(() => [...asArray(props.prefixListIds)]) ?? [UNKNOWN],
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
                    prefixListIds: known(() => asArray(props.prefixListId)) ?? [UNKNOWN],
                },
            ];
        default:
            return undefined;
    }
}

/** What a finding is: the rules' union covers a whole address family, or one source is a broad public range. */
export type ExposureKind = "world" | "broad";

export interface Exposure {
    readonly kind: ExposureKind;
    readonly port: number;
    readonly labels: string[];
    /** For `world`, every CIDR of the rules involved; for `broad`, the broad public CIDRs. */
    readonly cidrs: string[];
}

export interface ExposureSettings {
    readonly ports: readonly number[];
    readonly exemptions: readonly CidrRange[];
    readonly minPublicPrefix: MinPublicPrefix;
}

/**
 * For each database port, whether the rules that admit it together admit the whole IPv4 or
 * IPv6 space, and which single sources are broad public ranges. One rule with 0.0.0.0/0 and two
 * rules with 0.0.0.0/1 and 128.0.0.0/1 are the same exposure and are reported the same way.
 */
export function databaseExposures(rules: readonly IngressRule[], settings: ExposureSettings): Exposure[] {
    const admitting: { rule: IngressRule; dbPorts: ReadonlySet<number>; ranges: CidrRange[] }[] = [];
    for (const rule of rules) {
        // Ports first: most rules admit no database port, and then their sources need no parsing.
        const dbPorts = databasePortsIn(portSpan(rule.protocol, rule.fromPort, rule.toPort), settings.ports);
        if (dbPorts.length === 0) continue;
        const ranges = countedRanges(rule.cidrs, settings.exemptions);
        if (ranges.length > 0) admitting.push({ rule, dbPorts: new Set(dbPorts), ranges });
    }
    if (admitting.length === 0) return [];
    // Most groups reach neither the whole internet nor a broad range on any port: one pass settles them.
    const broad = admitting.filter((a) => a.ranges.some((r) => isBroadPublic(r, settings.minPublicPrefix)));
    const worldAnywhere = worldOpenFamiliesOf(admitting.flatMap((a) => a.ranges)).length > 0;
    if (!worldAnywhere && broad.length === 0) return [];
    const exposures: Exposure[] = [];
    for (const port of settings.ports) {
        const open = admitting.filter((a) => a.dbPorts.has(port));
        if (worldAnywhere && worldOpenFamiliesOf(open.flatMap((a) => a.ranges)).length > 0) {
            exposures.push({ kind: "world", port, labels: open.map((a) => a.rule.label), cidrs: open.flatMap((a) => a.rule.cidrs.map(String)) });
            continue; // the whole internet says more than any one broad range in it
        }
        for (const a of broad.filter((b) => b.dbPorts.has(port))) {
            const cidrs = a.rule.cidrs.filter((c) => {
                const range = countedRanges([c], settings.exemptions)[0];
                return range !== undefined && isBroadPublic(range, settings.minPublicPrefix);
            });
            exposures.push({ kind: "broad", port, labels: [a.rule.label], cidrs: cidrs.map(String) });
        }
    }
    return exposures;
}
