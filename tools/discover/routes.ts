import type { RouteTable, Subnet } from "@aws-sdk/client-ec2";

/** Where a subnet's traffic goes: its explicitly associated route table, else the VPC's main one. */
export interface SubnetRouting {
    readonly subnetId: string;
    readonly availabilityZone?: string;
    readonly routeTableId?: string;
    /** True when the subnet has no association of its own and uses the main route table. */
    readonly viaMain: boolean;
    /** Target of the IPv4 default route (`igw-…`, `nat-…`, …), or undefined when there is none. */
    readonly defaultTarget?: string;
    /** Set when the default route exists but AWS reports it blackholed (its target is gone). */
    readonly blackhole: boolean;
}

function defaultRoute(table: RouteTable) {
    return table.Routes?.find((r) => r.DestinationCidrBlock === "0.0.0.0/0");
}

function targetOf(route: NonNullable<ReturnType<typeof defaultRoute>>): string | undefined {
    return route.GatewayId ?? route.NatGatewayId ?? route.TransitGatewayId ?? route.VpcPeeringConnectionId ?? route.NetworkInterfaceId ?? route.InstanceId;
}

/** Resolves each subnet's effective route table, as EC2 does: explicit association first, then main. */
export function subnetRouting(subnets: readonly Subnet[], tables: readonly RouteTable[]): SubnetRouting[] {
    return subnets.map((subnet) => {
        const explicit = tables.find((t) => t.Associations?.some((a) => a.SubnetId === subnet.SubnetId));
        const main = tables.find((t) => t.VpcId === subnet.VpcId && t.Associations?.some((a) => a.Main));
        const table = explicit ?? main;
        const route = table ? defaultRoute(table) : undefined;
        return {
            subnetId: subnet.SubnetId ?? "",
            availabilityZone: subnet.AvailabilityZone,
            routeTableId: table?.RouteTableId,
            viaMain: !explicit,
            defaultTarget: route ? targetOf(route) : undefined,
            blackhole: route?.State === "blackhole",
        };
    });
}

/** A subnet a NAT gateway can serve from: its default route reaches an internet gateway. */
export function isPublic(routing: SubnetRouting): boolean {
    return routing.defaultTarget?.startsWith("igw-") === true && !routing.blackhole;
}

/** Why `subnetId` cannot hold the NAT gateway, or undefined when it can. */
export function publicSubnetProblem(subnetId: string, routing: readonly SubnetRouting[], connectorSubnetIds: readonly string[]): string | undefined {
    if (connectorSubnetIds.includes(subnetId)) return "is a connector subnet (its default route will point at the NAT itself)";
    const found = routing.find((r) => r.subnetId === subnetId);
    if (!found) return "does not exist in the VPC";
    if (!found.routeTableId) return "has no route table";
    if (!found.defaultTarget) return `has no 0.0.0.0/0 route (route table ${found.routeTableId})`;
    if (found.blackhole) return `routes 0.0.0.0/0 to ${found.defaultTarget}, which is blackholed (route table ${found.routeTableId})`;
    if (!isPublic(found)) return `routes 0.0.0.0/0 to ${found.defaultTarget}, not to an internet gateway (route table ${found.routeTableId})`;
    return undefined;
}

/**
 * The public subnets a NAT could use, best first: not a connector subnet, default route to an
 * internet gateway; ties broken by availability zone of the first connector subnet, then id.
 */
export function publicCandidates(routing: readonly SubnetRouting[], connectorSubnetIds: readonly string[]): SubnetRouting[] {
    const connectorAz = routing.find((r) => r.subnetId === connectorSubnetIds[0])?.availabilityZone;
    return routing
        .filter((r) => !connectorSubnetIds.includes(r.subnetId) && isPublic(r))
        .sort((a, b) => Number(b.availabilityZone === connectorAz) - Number(a.availabilityZone === connectorAz) || a.subnetId.localeCompare(b.subnetId));
}

/** One line on a subnet's routing, for the connector subnets' report. */
export function describeRouting(r: SubnetRouting): string {
    const table = r.routeTableId ? `${r.routeTableId}${r.viaMain ? " (the VPC's main table)" : ""}` : "no route table";
    const route = r.defaultTarget ? `0.0.0.0/0 → ${r.defaultTarget}${r.blackhole ? " (blackhole)" : ""}` : "no 0.0.0.0/0 route";
    return `${r.subnetId}${r.availabilityZone ? ` (${r.availabilityZone})` : ""}: ${table}, ${route}`;
}
