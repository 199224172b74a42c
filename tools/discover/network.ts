import { DescribeRouteTablesCommand, DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { AppRunnerConfig } from "../../config/schema";
import { AccountSession, call } from "./aws";
import { Discovery, emptyDiscovery } from "./findings";
import { describeRouting, publicCandidates, publicSubnetProblem, SubnetRouting, subnetRouting } from "./routes";

/**
 * Checks the NAT's public subnet (default route to an internet gateway, not a connector subnet)
 * and reports the connector subnets' current route tables. A configured subnet that fails is a
 * `warn` and is replaced by the best candidate (the diff shows it); only when there is none does
 * the check fail. With `perAz`, each connector subnet's AZ needs one, and `subnetAzs` is filled in.
 */
export async function discoverNetwork(session: AccountSession, config: AppRunnerConfig, liveConnectorSubnetIds: string[] | undefined): Promise<Discovery> {
    const d = emptyDiscovery();
    const net = config.network;
    if (!net.vpcId) return d; // greenfield: nothing to read
    const ec2 = new EC2Client(session.clientConfig);
    const vpcFilter = [{ Name: "vpc-id", Values: [net.vpcId] }];
    const subnets = await call(session, "ec2:DescribeSubnets", () => ec2.send(new DescribeSubnetsCommand({ Filters: vpcFilter })));
    const tables = await call(session, "ec2:DescribeRouteTables", () => ec2.send(new DescribeRouteTablesCommand({ Filters: vpcFilter })));
    if (!subnets?.Subnets?.length) {
        d.checks.push({ level: "fail", message: `appRunner.network.vpcId ${net.vpcId}: no subnets found (wrong VPC or account)` });
        return d;
    }
    const routing = subnetRouting(subnets.Subnets, tables?.RouteTables ?? []);
    const connectorIds = liveConnectorSubnetIds ?? net.connectorSubnetIds ?? [];

    for (const id of connectorIds) {
        const r = routing.find((x) => x.subnetId === id);
        d.checks.push(
            r
                ? { level: "ok", message: `connector subnet ${describeRouting(r)}` }
                : { level: "fail", message: `connector subnet ${id} is not in ${net.vpcId}` },
        );
    }

    const configured = net.publicSubnetIds ?? [];
    const problems = configured.map((id) => ({ id, problem: publicSubnetProblem(id, routing, connectorIds) }));
    for (const { id, problem } of problems) {
        const r = routing.find((x) => x.subnetId === id);
        d.checks.push(
            problem
                ? { level: "warn", message: `public subnet ${id} (appRunner.network.publicSubnetIds) ${problem}` }
                : { level: "ok", message: `public subnet ${r ? describeRouting(r) : id}: an internet gateway, not a connector subnet` },
        );
    }
    const allPass = configured.length > 0 && problems.every((p) => !p.problem);
    if (net.natMode === "none") {
        if (allPass) d.confirmed.push("appRunner.network.publicSubnetIds");
        return d;
    }

    // single: the configured subnets while they all pass, else the best candidate. perAz: one per
    // connector subnet's AZ, a passing configured one first; and the AZs themselves, as read.
    const candidates = publicCandidates(routing, connectorIds);
    const wanted = net.natMode === "perAz" ? [...new Set(routing.filter((r) => connectorIds.includes(r.subnetId)).map((r) => r.availabilityZone))] : [];
    const configuredRouting = configured.flatMap((id) => routing.filter((r) => r.subnetId === id));
    const coversEveryAz = wanted.every((az) => configuredRouting.some((r) => r.availabilityZone === az));
    let picked: SubnetRouting[];
    if (allPass && coversEveryAz) {
        d.confirmed.push("appRunner.network.publicSubnetIds");
        picked = configuredRouting;
    } else {
        const missing = wanted.filter((az) => !configuredRouting.some((r) => r.availabilityZone === az));
        if (missing.length)
            d.checks.push({
                level: "warn",
                message: `appRunner.network.publicSubnetIds has no subnet in ${missing.join(", ")}, where a connector subnet is; natMode perAz needs one there`,
            });
        const chosen =
            net.natMode === "perAz"
                ? wanted.map(
                      (az) =>
                          configuredRouting.find((r) => r.availabilityZone === az && !publicSubnetProblem(r.subnetId, routing, connectorIds)) ??
                          candidates.find((c) => c.availabilityZone === az),
                  )
                : [candidates[0]];
        if (chosen.some((c) => c === undefined)) {
            d.checks.push({
                level: "fail",
                message: `no subnet of ${net.vpcId} routes 0.0.0.0/0 to an internet gateway${net.natMode === "perAz" ? " in every connector subnet's AZ" : ""}; a NAT gateway needs one (create a public subnet first)`,
            });
            return d;
        }
        picked = chosen.map((c) => c!);
        const source = `ec2:DescribeRouteTables in ${net.vpcId}: ${picked.map((c) => `${c.subnetId} → ${c.routeTableId} → ${c.defaultTarget}`).join("; ")}`;
        d.changes.push({ part: "appRunner", path: ["network", "publicSubnetIds"], value: picked.map((c) => c.subnetId), source });
    }
    if (net.natMode === "perAz") {
        const ids = [...connectorIds, ...picked.map((c) => c.subnetId)];
        const azs = Object.fromEntries(
            ids.flatMap((id) => routing.filter((r) => r.subnetId === id && r.availabilityZone).map((r) => [id, r.availabilityZone!])),
        );
        d.changes.push({ part: "appRunner", path: ["network", "subnetAzs"], value: azs, source: `ec2:DescribeSubnets in ${net.vpcId}` });
    }
    return d;
}
