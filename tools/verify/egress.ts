import { DescribeNatGatewaysCommand, DescribeRouteTablesCommand, DescribeSubnetsCommand, EC2Client, NatGateway, RouteTable, Subnet } from "@aws-sdk/client-ec2";
import { AppRunnerConfig } from "../../config/schema";
import { planNatPlacement } from "../../components/natLayout";
import { AccountSession, call } from "../discover/aws";
import { isPublic, subnetRouting, SubnetRouting } from "../discover/routes";
import { awsCommand, fail, ok, VerifyCheck } from "./checks";

export interface EgressLive {
    readonly vpcId: string;
    readonly subnets: readonly Subnet[];
    readonly tables: readonly RouteTable[];
    readonly natGateways: readonly NatGateway[];
}

export interface EgressClaim {
    readonly connectorSubnetIds: readonly string[];
    /** Connector subnet → the public subnet the stack puts its NAT in; undefined for a VPC the stack builds (awsx places them). */
    readonly natSubnetFor?: Readonly<Record<string, string>>;
}

export interface EgressResult {
    readonly checks: VerifyCheck[];
    /** The NAT gateways' public IPs: the address a team gives Twilio or any allow-list. */
    readonly publicIps: string[];
}

/** Where the stack puts each connector subnet's NAT: `natMode` single or perAz over the configured subnets. */
export function natPlacementClaim(config: AppRunnerConfig, connectorSubnetIds: readonly string[]): EgressClaim {
    const net = config.network;
    if (!net.vpcId || !net.publicSubnetIds) return { connectorSubnetIds };
    const placements = planNatPlacement(
        { vpcId: net.vpcId, connectorSubnetIds: [...connectorSubnetIds], publicSubnetIds: net.publicSubnetIds, subnetAzs: net.subnetAzs },
        net.natMode,
    );
    return { connectorSubnetIds, natSubnetFor: Object.fromEntries(placements.flatMap((p) => p.connectorSubnetIds.map((id) => [id, p.publicSubnetId]))) };
}

function natProblems(nat: NatGateway, routing: readonly SubnetRouting[]): string[] {
    const problems: string[] = [];
    if (nat.State !== "available") problems.push(`is ${nat.State ?? "in an unknown state"}, not available`);
    if (nat.ConnectivityType === "private") problems.push("is a private NAT gateway (no internet)");
    const home = routing.find((r) => r.subnetId === nat.SubnetId);
    if (!home || !isPublic(home)) {
        const route = home?.defaultTarget ? `routes 0.0.0.0/0 to ${home.defaultTarget}${home.blackhole ? " (blackhole)" : ""}` : "has no 0.0.0.0/0 route";
        problems.push(`sits in ${nat.SubnetId}, which ${route}, not to an internet gateway`);
    }
    const eip = (nat.NatGatewayAddresses ?? []).find((a) => a.AllocationId && a.PublicIp && (a.Status === undefined || a.Status === "succeeded"));
    if (!eip) problems.push("holds no Elastic IP");
    return problems;
}

/**
 * Each connector subnet's effective route table (its own association, else the VPC's main table) must send
 * 0.0.0.0/0 to a NAT gateway that is available, not blackholed, the stack's (in its public subnet), in a
 * subnet routed to an internet gateway, and holding its Elastic IP. Pure: the tests give it AWS's shapes.
 */
export function evaluateEgress(session: AccountSession, claim: EgressClaim, live: EgressLive): EgressResult {
    const checks: VerifyCheck[] = [];
    const routing = subnetRouting(live.subnets, live.tables);
    const tablesCommand = (id?: string) =>
        awsCommand(session, "ec2", "describe-route-tables", id ? `--route-table-ids ${id}` : `--filters Name=vpc-id,Values=${live.vpcId}`);
    const natsUsed = new Map<string, string[]>();
    for (const subnetId of claim.connectorSubnetIds) {
        const r = routing.find((x) => x.subnetId === subnetId);
        if (!r) {
            checks.push(
                fail(
                    "egress",
                    `connector subnet ${subnetId} is not in ${live.vpcId}`,
                    awsCommand(session, "ec2", "describe-subnets", `--subnet-ids ${subnetId}`),
                ),
            );
            continue;
        }
        const where = `connector subnet ${subnetId}${r.availabilityZone ? ` (${r.availabilityZone})` : ""}: ${r.routeTableId ?? "no route table"}${r.viaMain ? " (the VPC's main table)" : ""}`;
        if (!r.defaultTarget) checks.push(fail("egress", `${where} has no 0.0.0.0/0 route; it needs one to a NAT gateway`, tablesCommand(r.routeTableId)));
        else if (r.blackhole)
            checks.push(
                fail("egress", `${where} sends 0.0.0.0/0 to ${r.defaultTarget}, which is blackholed (its target is gone)`, tablesCommand(r.routeTableId)),
            );
        else if (!r.defaultTarget.startsWith("nat-"))
            checks.push(
                fail("egress", `${where} sends 0.0.0.0/0 to ${r.defaultTarget}, not to a NAT gateway (VPC egress needs NAT)`, tablesCommand(r.routeTableId)),
            );
        else {
            natsUsed.set(r.defaultTarget, [...(natsUsed.get(r.defaultTarget) ?? []), subnetId]);
            const nat = live.natGateways.find((n) => n.NatGatewayId === r.defaultTarget);
            const expected = claim.natSubnetFor?.[subnetId];
            if (nat && expected && nat.SubnetId !== expected) {
                checks.push(
                    fail(
                        "egress",
                        `${where} sends 0.0.0.0/0 to ${r.defaultTarget} in ${nat.SubnetId}; the stack's NAT for it sits in ${expected} (appRunner.network.publicSubnetIds)`,
                        tablesCommand(r.routeTableId),
                    ),
                );
            } else checks.push(ok("egress", `${where} sends 0.0.0.0/0 to ${r.defaultTarget}`, tablesCommand(r.routeTableId)));
        }
    }
    const publicIps: string[] = [];
    for (const [natId, subnets] of natsUsed) {
        const command = awsCommand(session, "ec2", "describe-nat-gateways", `--nat-gateway-ids ${natId}`);
        const nat = live.natGateways.find((n) => n.NatGatewayId === natId);
        if (!nat) {
            checks.push(fail("egress", `NAT gateway ${natId} (the route of ${subnets.join(", ")}) does not exist`, command));
            continue;
        }
        const problems = natProblems(nat, routing);
        if (problems.length) {
            checks.push(fail("egress", `NAT gateway ${natId} (the route of ${subnets.join(", ")}) ${problems.join("; ")}`, command));
            continue;
        }
        const eip = nat.NatGatewayAddresses!.find((a) => a.AllocationId && a.PublicIp)!;
        const home = routing.find((r) => r.subnetId === nat.SubnetId)!;
        publicIps.push(eip.PublicIp!);
        checks.push(
            ok(
                "egress",
                `NAT gateway ${natId} is available in ${nat.SubnetId} (0.0.0.0/0 → ${home.defaultTarget}) with Elastic IP ${eip.PublicIp} (${eip.AllocationId})`,
                command,
            ),
        );
    }
    return { checks, publicIps };
}

/** Reads the VPC's subnets, route tables and the NAT gateways the connector subnets route to (read-only). */
export async function readEgress(session: AccountSession, vpcId: string, connectorSubnetIds: readonly string[]): Promise<EgressLive> {
    const ec2 = new EC2Client(session.clientConfig);
    const vpcFilter = [{ Name: "vpc-id", Values: [vpcId] }];
    const subnets = (await call(session, "ec2:DescribeSubnets", () => ec2.send(new DescribeSubnetsCommand({ Filters: vpcFilter }))))?.Subnets ?? [];
    const tables = (await call(session, "ec2:DescribeRouteTables", () => ec2.send(new DescribeRouteTablesCommand({ Filters: vpcFilter }))))?.RouteTables ?? [];
    const natIds = [
        ...new Set(
            subnetRouting(subnets, tables)
                .filter((r) => connectorSubnetIds.includes(r.subnetId) && r.defaultTarget?.startsWith("nat-"))
                .map((r) => r.defaultTarget!),
        ),
    ];
    const natGateways = natIds.length
        ? ((await call(session, "ec2:DescribeNatGateways", () => ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: natIds })), ["NatGatewayNotFound"]))
              ?.NatGateways ?? [])
        : [];
    return { vpcId, subnets, tables, natGateways };
}

/** The VPC of the connector subnets, for a stack that builds its own VPC (no `network.vpcId`). */
export async function vpcOfSubnets(session: AccountSession, subnetIds: readonly string[]): Promise<string | undefined> {
    const ec2 = new EC2Client(session.clientConfig);
    const found = await call(session, "ec2:DescribeSubnets", () => ec2.send(new DescribeSubnetsCommand({ SubnetIds: [...subnetIds] })), [
        "InvalidSubnetID.NotFound",
    ]);
    return found?.Subnets?.[0]?.VpcId;
}
