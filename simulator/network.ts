import { AccountData, findResource, resourcesOfType, StoredResource } from "./account";
import { T } from "./tokens";
import { plainRecord } from "./values";

export interface Route {
    readonly destinationCidrBlock?: string;
    readonly gatewayId?: string;
    readonly natGatewayId?: string;
}

/** The table a subnet uses: its explicit association, else its VPC's main table (as EC2 decides). */
export function routeTableOfSubnet(data: AccountData, subnetId: string): StoredResource | undefined {
    const association = resourcesOfType(data, T.routeTableAssociation).find((a) => a.inputs.subnetId === subnetId);
    if (association) return findResource(data, T.routeTable, String(association.inputs.routeTableId));
    const subnet = findResource(data, T.subnet, subnetId);
    if (!subnet) return undefined;
    return resourcesOfType(data, T.routeTable).find((t) => t.inputs.vpcId === subnet.inputs.vpcId && t.outputs.main === true);
}

/** A table's routes: its own `routes` and every standalone route that targets it. */
export function routesOf(data: AccountData, table: StoredResource): Route[] {
    const inline = (plainRecord(table.inputs).routes ?? []) as Route[];
    const standalone = resourcesOfType(data, T.route)
        .filter((r) => r.inputs.routeTableId === table.id)
        .map((r) => plainRecord(r.inputs) as Route);
    return [...inline, ...standalone];
}

function defaultRoute(data: AccountData, table: StoredResource): Route | undefined {
    return routesOf(data, table).find((r) => r.destinationCidrBlock === "0.0.0.0/0");
}

/**
 * Why traffic from a subnet cannot reach the internet through a NAT gateway, or undefined when it can:
 * subnet → its table's 0.0.0.0/0 → a public NAT gateway → the NAT's subnet's 0.0.0.0/0 → an internet gateway.
 */
export function natEgressProblem(data: AccountData, subnetId: string): string | undefined {
    const table = routeTableOfSubnet(data, subnetId);
    if (!table) return `subnet ${subnetId} has no route table`;
    const route = defaultRoute(data, table);
    if (!route) return `subnet ${subnetId} uses route table ${table.id}, which has no route for 0.0.0.0/0`;
    if (!route.natGatewayId) return `subnet ${subnetId} routes 0.0.0.0/0 to ${route.gatewayId ?? "no NAT gateway"}, not to a NAT gateway`;
    const nat = findResource(data, T.natGateway, route.natGatewayId);
    if (!nat) return `subnet ${subnetId} routes 0.0.0.0/0 to ${route.natGatewayId}, which does not exist`;
    if ((nat.inputs.connectivityType ?? "public") !== "public") return `NAT gateway ${nat.id} is private: it has no way to the internet`;
    const natTable = routeTableOfSubnet(data, String(nat.inputs.subnetId));
    const natRoute = natTable && defaultRoute(data, natTable);
    const gateway = natRoute?.gatewayId && findResource(data, T.internetGateway, natRoute.gatewayId);
    if (!gateway) return `NAT gateway ${nat.id} sits in subnet ${String(nat.inputs.subnetId)}, which does not route 0.0.0.0/0 to an internet gateway`;
    return undefined;
}
