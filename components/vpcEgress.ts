import * as aws from "@pulumi/aws";
import type * as Awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { formatProblem } from "../policies/lib/problems";
import { keptResourceOptions } from "./adopt";
import { EGRESS_RULE, SECURITY_GROUP, VPC_CONNECTOR } from "./liveProperties";
import { ExistingVpc, NatMode, NatPlacement, natLayoutProblems, planNatPlacement } from "./natLayout";

export { ExistingVpc, NatMode, NatPlacement, planNatPlacement };

export interface NewVpc {
    /** @default "10.40.0.0/16" */
    readonly cidrBlock?: string;
    /** @default 2 */
    readonly azCount?: number;
}

export interface VpcEgressArgs {
    /** Name of the App Runner VPC connector (its AWS name, not the Pulumi name). */
    readonly connectorName: string;
    /** Use an existing VPC; exactly one of `existing` and `greenfield` is given. */
    readonly existing?: ExistingVpc;
    /** Create a VPC with awsx (public and private subnets, its own NAT gateways). */
    readonly greenfield?: NewVpc;
    /**
     * One NAT for all connector subnets (cheapest) or one per AZ (survives an AZ outage).
     * Plain value, not an Input: it decides how many resources exist.
     * @default "single"
     */
    readonly natMode?: NatMode;
    /**
     * Live resources to import instead of create. `connectorEgressRuleId` is the adopted group's
     * existing allow-all egress rule (`sgr-…`), or `create` once it is confirmed absent.
     */
    readonly adopt?: { readonly connectorArn?: string; readonly connectorSecurityGroupId?: string; readonly connectorEgressRuleId?: string };
    /**
     * The `egress` stage: only the NAT path (Elastic IP, NAT gateway, route table, route, associations); the
     * connector and its group are neither imported nor created. Existing VPC only.
     * @default false
     */
    readonly natPathOnly?: boolean;
    /** The `adopt` stage: the connector's egress rule is imported if it exists and not created if it does not. */
    readonly asLive?: boolean;
}

/** Refuses args that would build a connector without a way out; pure so tests can call it. */
export function vpcEgressProblems(args: VpcEgressArgs): string[] {
    const problems: string[] = [];
    if (!!args.existing === !!args.greenfield) problems.push("exactly one of `existing` and `greenfield` must be given");
    if (args.existing) problems.push(...natLayoutProblems(args.existing, args.natMode ?? "single").map((p) => formatProblem("existing", p)));
    if (args.natPathOnly && !args.existing) problems.push("`natPathOnly` needs an `existing` VPC (a new VPC gets its NAT path with it)");
    return problems;
}

const NAT_STRATEGY: Record<NatMode, `${Awsx.ec2.NatGatewayStrategy}`> = { single: "Single", perAz: "OnePerAz", none: "None" };

/**
 * awsx is loaded only when a new VPC is built: it pulls in the ECS and Docker SDKs, which cost
 * every `pulumi preview` and offline plan of an existing VPC a noticeable part of a second.
 */
function loadAwsx(): typeof Awsx {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("@pulumi/awsx") as typeof Awsx;
}

/**
 * App Runner egress through a VPC connector, with NAT so the service reaches the internet
 * (Twilio) as well as RDS and ElastiCache. With VPC egress every outbound packet goes through
 * the VPC, so the connector subnets need a default route to a NAT gateway; an internet gateway
 * route would not do, because the connector's ENIs have no public IPs.
 */
export class VpcEgress extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    /** Undefined with `natPathOnly`, like the other connector outputs. */
    public readonly connectorArn?: pulumi.Output<string>;
    /** The connector ARN, resolved only once every connector subnet has its NAT route. */
    public readonly routedConnectorArn?: pulumi.Output<string>;
    public readonly connectorSecurityGroupId?: pulumi.Output<string>;
    public readonly connectorSubnetIds: pulumi.Output<string[]>;
    public readonly natGatewayIds: pulumi.Output<string[]>;
    public readonly natPublicIps: pulumi.Output<string[]>;
    public readonly routeTableIds: pulumi.Output<string[]>;

    constructor(name: string, args: VpcEgressArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-remediation:network:VpcEgress", name, {}, opts);
        const problems = vpcEgressProblems(args);
        if (problems.length > 0) throw new Error(`VpcEgress ${name}: ${problems.join("; ")}`);
        const natMode = args.natMode ?? "single";

        /** Values that resolve only once every connector subnet can reach a NAT gateway. */
        let routesReady: pulumi.Input<unknown>[];
        if (args.existing) {
            const existing = args.existing;
            this.vpcId = pulumi.output(existing.vpcId);
            this.connectorSubnetIds = pulumi.output([...existing.connectorSubnetIds]);
            const nats = planNatPlacement(existing, natMode).map((placement) =>
                this.natWithRoutes(name, existing.vpcId, placement, existing.explicitAssociations ?? {}),
            );
            routesReady = nats.flatMap((n) => n.routing.map((r) => r.id));
            this.natGatewayIds = pulumi.all(nats.map((n) => n.nat.id));
            this.natPublicIps = pulumi.all(nats.map((n) => n.eip.publicIp));
            this.routeTableIds = pulumi.all(nats.map((n) => n.routeTable.id));
        } else {
            const awsx = loadAwsx();
            const vpc = new awsx.ec2.Vpc(
                `${name}-vpc`,
                {
                    cidrBlock: args.greenfield?.cidrBlock ?? "10.40.0.0/16",
                    numberOfAvailabilityZones: args.greenfield?.azCount ?? 2,
                    natGateways: { strategy: NAT_STRATEGY[natMode] as Awsx.ec2.NatGatewayStrategy },
                    subnetStrategy: awsx.ec2.SubnetAllocationStrategy.Auto,
                    subnetSpecs: [
                        { type: awsx.ec2.SubnetType.Public, cidrMask: 24 },
                        { type: awsx.ec2.SubnetType.Private, cidrMask: 20 },
                    ],
                    tags: { Name: `${name}-vpc` },
                },
                { parent: this },
            );
            // awsx registers these outputs after it has made the NAT gateways and private routes.
            routesReady = [vpc.natGateways, vpc.routeTables];
            this.vpcId = vpc.vpcId;
            this.connectorSubnetIds = vpc.privateSubnetIds;
            this.natGatewayIds = vpc.natGateways.apply((nats) => pulumi.all(nats.map((n) => n.id)));
            this.natPublicIps = vpc.eips.apply((eips) => pulumi.all(eips.map((e) => e.publicIp)));
            this.routeTableIds = vpc.routeTables.apply((tables) => pulumi.all(tables.map((t) => t.id)));
        }

        if (args.natPathOnly) {
            this.registerOutputs({
                vpcId: this.vpcId,
                connectorSubnetIds: this.connectorSubnetIds,
                natGatewayIds: this.natGatewayIds,
                natPublicIps: this.natPublicIps,
                routeTableIds: this.routeTableIds,
            });
            return;
        }
        const adopted = args.adopt ?? {};
        const connectorSg = new aws.ec2.SecurityGroup(
            `${name}-connector-sg`,
            {
                vpcId: this.vpcId,
                description: "App Runner VPC connector: no ingress, egress to the VPC and through NAT",
                tags: { Name: `${name}-connector-sg` },
            },
            keptResourceOptions(this, { importId: adopted.connectorSecurityGroupId, properties: SECURITY_GROUP }),
        );
        // Declared whether or not the group is adopted, so removing `adopt` changes nothing. The
        // provider strips AWS's default egress from a group it creates; an adopted group already
        // has it, so its rule id is imported (or confirmed absent with `create`).
        const egressRuleId = adopted.connectorEgressRuleId === "create" ? undefined : adopted.connectorEgressRuleId;
        if (egressRuleId || !args.asLive) {
            new aws.vpc.SecurityGroupEgressRule(
                `${name}-connector-egress`,
                { securityGroupId: connectorSg.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "all egress: VPC targets and, via NAT, the internet" },
                keptResourceOptions(this, { importId: egressRuleId, properties: EGRESS_RULE }),
            );
        }
        const connector = new aws.apprunner.VpcConnector(
            `${name}-connector`,
            { vpcConnectorName: args.connectorName, subnets: this.connectorSubnetIds, securityGroups: [connectorSg.id] },
            keptResourceOptions(this, { importId: adopted.connectorArn, properties: VPC_CONNECTOR }),
        );

        this.connectorSecurityGroupId = connectorSg.id;
        this.connectorArn = connector.arn;
        this.routedConnectorArn = pulumi.all([connector.arn, ...routesReady]).apply(([arn]) => arn);
        this.registerOutputs({
            vpcId: this.vpcId,
            connectorArn: this.connectorArn,
            connectorSecurityGroupId: this.connectorSecurityGroupId,
            connectorSubnetIds: this.connectorSubnetIds,
            natGatewayIds: this.natGatewayIds,
            natPublicIps: this.natPublicIps,
            routeTableIds: this.routeTableIds,
        });
    }

    private natWithRoutes(name: string, vpcId: string, placement: NatPlacement, explicitAssociations: Readonly<Record<string, string>>) {
        const suffix = placement.key ? `-${placement.key}` : "";
        const eip = new aws.ec2.Eip(`${name}-nat-eip${suffix}`, { domain: "vpc", tags: { Name: `${name}-nat${suffix}` } }, { parent: this });
        const nat = new aws.ec2.NatGateway(
            `${name}-nat${suffix}`,
            { allocationId: eip.id, subnetId: placement.publicSubnetId, connectivityType: "public", tags: { Name: `${name}-nat${suffix}` } },
            { parent: this },
        );
        const routeTable = new aws.ec2.RouteTable(`${name}-private-rt${suffix}`, { vpcId, tags: { Name: `${name}-private${suffix}` } }, { parent: this });
        const route = new aws.ec2.Route(
            `${name}-nat-route${suffix}`,
            { routeTableId: routeTable.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
            { parent: this },
        );
        // A subnet explicitly associated with another table today keeps that association, imported and
        // moved to this table (ReplaceRouteTableAssociation); AssociateRouteTable would fail on it.
        const associations = placement.connectorSubnetIds.map((subnetId) => {
            const current = explicitAssociations[subnetId];
            return new aws.ec2.RouteTableAssociation(
                `${name}-rta-${subnetId}`,
                { subnetId, routeTableId: routeTable.id },
                { parent: this, ...(current ? { import: `${subnetId}/${current}` } : {}) },
            );
        });
        return { eip, nat, routeTable, routing: [route, ...associations] };
    }
}
