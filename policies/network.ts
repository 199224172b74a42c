import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describePort, DEFAULT_DATABASE_PORT_LIST } from "./lib/ports";
import { IngressRule, ingressRulesOf, ruleSecurityGroupId, WorldOpenFinding, worldOpenDatabasePorts } from "./lib/ingress";
import { asArray, forTypes, known, TYPES } from "./lib/resourceTypes";

export interface WorldOpenConfig {
    databasePorts: number[];
    exemptCidrs: string[];
}

const worldOpenSchema = {
    properties: {
        databasePorts: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, default: [...DEFAULT_DATABASE_PORT_LIST] },
        exemptCidrs: { type: "array", items: { type: "string" }, default: [] },
    },
} as const;

/** One message per group of rules, listing every database port those rules expose. */
function messagesFor(subject: string, findings: WorldOpenFinding[]): string[] {
    const groups = new Map<string, WorldOpenFinding[]>();
    for (const finding of findings) groups.set(finding.labels.join("+"), [...(groups.get(finding.labels.join("+")) ?? []), finding]);
    return [...groups.values()].map((group) => {
        const [first] = group;
        const cidrs = first.cidrs.length > 4 ? `${first.cidrs.slice(0, 4).join(", ")} and ${first.cidrs.length - 4} more` : first.cidrs.join(", ");
        return (
            `${subject} ${first.labels.join(" + ")} opens database port${group.length > 1 ? "s" : ""} ${group.map((f) => describePort(f.port)).join(", ")} ` +
            `to the whole internet (${cidrs}). Source the App Runner connector's or the ECS tasks' security group instead ` +
            `(referencedSecurityGroupId / sourceSecurityGroupId), never a CIDR.`
        );
    });
}

export const noWorldOpenDatabaseIngress: ResourceValidationPolicy = {
    name: "no-world-open-database-ingress",
    description: "No security-group ingress may open a database port to 0.0.0.0/0, ::/0 or any set of CIDRs that covers either space.",
    enforcementLevel: "mandatory",
    configSchema: worldOpenSchema,
    validateResource: forTypes([TYPES.securityGroup, TYPES.defaultSecurityGroup, TYPES.securityGroupRule, TYPES.ingressRule], (props, args, report) => {
        const { databasePorts, exemptCidrs } = args.getConfig<WorldOpenConfig>();
        const rules = ingressRulesOf(args.type, props) ?? [];
        const subject =
            args.type === TYPES.securityGroup || args.type === TYPES.defaultSecurityGroup ? `Security group ${args.name}` : `Ingress rule ${args.name}`;
        for (const message of messagesFor(subject, worldOpenDatabasePorts(rules, databasePorts, exemptCidrs))) report(message);
    }),
};

/**
 * Standalone rules on one security group can split the internet between them
 * (0.0.0.0/1 in one resource, 128.0.0.0/1 in another); only the whole stack shows that.
 */
export const noWorldOpenDatabaseIngressAcrossRules: StackValidationPolicy = {
    name: "no-world-open-database-ingress-across-rules",
    description: "Standalone ingress rules on one security group must not together open a database port to the whole internet.",
    enforcementLevel: "mandatory",
    configSchema: worldOpenSchema,
    validateStack: (args, report) => {
        const { databasePorts, exemptCidrs } = args.getConfig<WorldOpenConfig>();
        const bySecurityGroup = new Map<string, { rules: IngressRule[]; resources: PolicyResource[] }>();
        for (const resource of args.resources) {
            if (resource.type !== TYPES.ingressRule && resource.type !== TYPES.securityGroupRule) continue;
            const groupId = known(() => ruleSecurityGroupId(resource.type, resource.props));
            const rules = known(() => ingressRulesOf(resource.type, resource.props));
            if (typeof groupId !== "string" || !rules || rules.length === 0) continue;
            const entry = bySecurityGroup.get(groupId) ?? { rules: [], resources: [] };
            entry.rules.push(...rules.map((rule) => ({ ...rule, label: resource.name })));
            entry.resources.push(resource);
            bySecurityGroup.set(groupId, entry);
        }
        for (const [groupId, { rules, resources }] of bySecurityGroup) {
            if (resources.length < 2) continue; // a single resource is the resource policy's to report
            const findings = worldOpenDatabasePorts(rules, databasePorts, exemptCidrs).filter((f) => f.labels.length > 1);
            for (const message of messagesFor(`Security group ${groupId}: rules`, findings)) {
                report(message, resources.find((r) => r.name === findings[0].labels[0])?.urn);
            }
        }
    },
};

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
        for (const service of resources.filter((r) => r.type === TYPES.appRunnerService)) {
            const egress = known(() => service.props.networkConfiguration?.egressConfiguration);
            if (known(() => egress?.egressType) !== "VPC") continue;
            const connector = resources.find(
                (r) => r.type === TYPES.vpcConnector && (refersToNested(service, r) || known(() => r.props.arn) === known(() => egress.vpcConnectorArn)),
            );
            if (!connector) {
                report(
                    `App Runner service ${service.name} egresses through a VPC connector that is not in this stack, so its subnets' NAT routes cannot be checked; manage the connector here.`,
                    service.urn,
                );
                continue;
            }
            const subnets = known(() => asArray(connector.props.subnets)) ?? [];
            const subnetDeps = connector.propertyDependencies?.subnets ?? [];
            const fromAwsx = resources.find(
                (r) => r.type === TYPES.awsxVpc && (subnetDeps.some((d) => d.urn === r.urn) || subnetsOf(r).some((s) => subnets.includes(s))),
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
    },
};

function refersToNested(service: PolicyResource, connector: PolicyResource): boolean {
    return (service.propertyDependencies?.networkConfiguration ?? []).some((dep) => dep.urn === connector.urn);
}

function subnetsOf(vpc: PolicyResource): unknown[] {
    return known(() => asArray(vpc.props.privateSubnetIds)) ?? [];
}
