import { FieldProblem } from "../policies/lib/problems";

/** `none` builds no NAT: the seeds' state, in which VPC egress cannot reach the internet. */
export type NatMode = "single" | "perAz" | "none";

export interface ExistingVpc {
    /** The VPC the connector and NAT live in. */
    readonly vpcId: string;
    /** Subnets the App Runner VPC connector places its ENIs in; each gets a route to a NAT. */
    readonly connectorSubnetIds: readonly string[];
    /** Subnets whose default route is an internet gateway; NAT gateways go here. */
    readonly publicSubnetIds: readonly string[];
    /** Subnet id → AZ. Required for `perAz`, ignored for `single`. */
    readonly subnetAzs?: Readonly<Record<string, string>>;
    /** Connector subnet → the route table it is explicitly associated with today (the association is taken over). */
    readonly explicitAssociations?: Readonly<Record<string, string>>;
}

/**
 * What makes a NAT layout unusable, by field: a NAT needs a public subnet that is not itself
 * routed to the NAT, and with `perAz` every connector subnet needs a public subnet in its AZ.
 * Shared by the stack-config schema (which prefixes config keys) and VpcEgress.
 */
export function natLayoutProblems(vpc: Omit<ExistingVpc, "vpcId">, natMode: NatMode): FieldProblem[] {
    const problems: FieldProblem[] = [];
    if (vpc.connectorSubnetIds.length === 0) problems.push({ field: "connectorSubnetIds", message: "must list at least one subnet" });
    if (vpc.publicSubnetIds.length === 0) problems.push({ field: "publicSubnetIds", message: "must list at least one subnet for the NAT gateway" });
    for (const id of vpc.publicSubnetIds) {
        if (vpc.connectorSubnetIds.includes(id)) {
            problems.push({
                field: "publicSubnetIds",
                message: `${id} is also a connector subnet; the NAT must sit in a public subnet whose default route is an internet gateway`,
            });
        }
    }
    if (natMode === "perAz") {
        const azs = vpc.subnetAzs ?? {};
        const publicAzs = new Set(vpc.publicSubnetIds.map((id) => azs[id]));
        for (const id of [...vpc.connectorSubnetIds, ...vpc.publicSubnetIds]) {
            if (!azs[id]) problems.push({ field: `subnetAzs.${id}`, message: "is required for natMode perAz" });
        }
        for (const id of vpc.connectorSubnetIds) {
            if (azs[id] && !publicAzs.has(azs[id]))
                problems.push({ field: `subnetAzs.${id}`, message: `is in ${azs[id]}, where no public subnet is listed for its NAT` });
        }
    }
    return problems;
}

/** Which public subnet hosts each NAT, and which connector subnets route through it. */
export interface NatPlacement {
    /** "" for the single NAT, else the AZ. */
    readonly key: string;
    readonly publicSubnetId: string;
    readonly connectorSubnetIds: string[];
}

export function planNatPlacement(vpc: ExistingVpc, natMode: NatMode): NatPlacement[] {
    if (natMode === "none") return [];
    if (natMode === "single") return [{ key: "", publicSubnetId: vpc.publicSubnetIds[0], connectorSubnetIds: [...vpc.connectorSubnetIds] }];
    const azs = vpc.subnetAzs ?? {};
    const byAz = new Map<string, NatPlacement>();
    for (const subnetId of vpc.connectorSubnetIds) {
        const az = azs[subnetId];
        const placement = byAz.get(az) ?? { key: az, publicSubnetId: vpc.publicSubnetIds.find((id) => azs[id] === az)!, connectorSubnetIds: [] };
        placement.connectorSubnetIds.push(subnetId);
        byAz.set(az, placement);
    }
    return [...byAz.values()];
}
