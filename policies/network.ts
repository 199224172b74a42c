import { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { notEvaluated } from "./lib/notEvaluated";
import { asArray, known, TYPES } from "./lib/resourceTypes";

/** Does `ref` (a property of `from`) point at `target`, by value or, when unknown, by dependency? */
function refersTo(from: PolicyResource, property: string, target: PolicyResource, targetKey = "id"): boolean {
    const value = known(() => from.props[property]);
    const targetValue = known(() => target.props[targetKey]);
    if (value !== undefined && targetValue !== undefined) return value === targetValue;
    return (from.propertyDependencies?.[property] ?? []).some((dep) => dep.urn === target.urn);
}

function defaultRouteToNat(routeOwner: PolicyResource, resources: PolicyResource[], excludedSubnets: readonly unknown[]): PolicyResource | undefined {
    const nats = resources.filter(
        (r) => r.type === TYPES.natGateway && known(() => r.props.connectivityType) !== "private" && !excludedSubnets.includes(known(() => r.props.subnetId)),
    );
    const routes = resources.filter(
        (r) => r.type === TYPES.route && known(() => r.props.destinationCidrBlock) === "0.0.0.0/0" && refersTo(r, "routeTableId", routeOwner),
    );
    for (const route of routes) {
        const nat = nats.find((n) => refersTo(route, "natGatewayId", n));
        if (nat) return nat;
    }
    for (const inline of asArray(known(() => routeOwner.props.routes))) {
        const entry = inline as Record<string, unknown>;
        if (entry?.cidrBlock === "0.0.0.0/0" && entry.natGatewayId) return nats.find((n) => known(() => n.props.id) === entry.natGatewayId);
    }
    return undefined;
}

export const appRunnerVpcEgressHasNat: StackValidationPolicy = {
    name: "apprunner-vpc-egress-has-nat",
    description:
        "An App Runner service with VPC egress needs every connector subnet routed 0.0.0.0/0 to a NAT gateway in a public subnet, or it cannot reach the internet.",
    enforcementLevel: "mandatory",
    validateStack: (args, report) => {
        const { resources } = args;
        const unevaluated: string[] = [];
        for (const service of resources.filter((r) => r.type === TYPES.appRunnerService)) {
            const egress = known(() => service.props.networkConfiguration?.egressConfiguration);
            if (known(() => egress?.egressType) !== "VPC") continue;
            // Compared by ARN only when the ARN is known: two connectors created in one preview both have no ARN yet.
            const arn = known(() => egress.vpcConnectorArn);
            const connector = resources.find(
                (r) => r.type === TYPES.vpcConnector && (refersToNested(service, r) || (arn !== undefined && known(() => r.props.arn) === arn)),
            );
            if (!connector) {
                report(
                    `App Runner service ${service.name} egresses through a VPC connector that is not in this stack, so its subnets' NAT routes cannot be checked; manage the connector here.`,
                    service.urn,
                );
                continue;
            }
            // Read in full: a subnet created in the same preview is an unknown element of a known list.
            const subnets = known(() => [...asArray(connector.props.subnets)]);
            const subnetDeps = connector.propertyDependencies?.subnets ?? [];
            const fromAwsx = resources.find(
                (r) => r.type === TYPES.awsxVpc && (subnetDeps.some((d) => d.urn === r.urn) || subnetsOf(r).some((s) => subnets?.includes(s))),
            );
            if (fromAwsx) {
                // As an input `natGateways` is `{ strategy }`; as an output, the NAT gateways awsx made.
                const natGateways = known(() => fromAwsx.props.natGateways);
                const strategy = Array.isArray(natGateways) ? (natGateways.length > 0 ? "some" : "None") : natGateways?.strategy;
                if (strategy === "None")
                    report(
                        `App Runner service ${service.name}: connector ${connector.name} uses subnets of ${fromAwsx.name}, whose natGateways strategy is None; the service cannot reach the internet.`,
                        service.urn,
                    );
                continue;
            }
            if (subnets === undefined) {
                unevaluated.push(`connector ${connector.name} of App Runner service ${service.name} has subnets known only after deployment`);
                continue;
            }
            const missing: string[] = [];
            for (const subnet of subnets) {
                const association = resources.find((r) => r.type === TYPES.routeTableAssociation && known(() => r.props.subnetId) === subnet);
                const table = association && resources.find((r) => r.type === TYPES.routeTable && refersTo(association, "routeTableId", r));
                if (!table || !defaultRouteToNat(table, resources, subnets)) missing.push(String(subnet));
            }
            if (missing.length > 0) {
                report(
                    `App Runner service ${service.name} has VPC egress, but connector subnet${missing.length > 1 ? "s" : ""} ${missing.join(", ")} ` +
                        `${missing.length > 1 ? "have" : "has"} no 0.0.0.0/0 route to a NAT gateway in a public subnet: calls to the internet (e.g. Twilio) will time out. ` +
                        `Add a NAT gateway and route the connector subnets to it (VpcEgress does).`,
                    service.urn,
                );
            }
        }
        if (unevaluated.length > 0) notEvaluated(`not evaluated: ${unevaluated.join("; ")}`);
    },
};

function refersToNested(service: PolicyResource, connector: PolicyResource): boolean {
    return (service.propertyDependencies?.networkConfiguration ?? []).some((dep) => dep.urn === connector.urn);
}

function subnetsOf(vpc: PolicyResource): unknown[] {
    return known(() => [...asArray(vpc.props.privateSubnetIds)]) ?? [];
}
