import * as assert from "assert";
import { planNatPlacement, vpcEgressProblems, VpcEgress } from "../components/vpcEgress";
import { dependenciesOf, promiseOf, underMocks } from "./harness";

const existing = {
    vpcId: "vpc-0070057532e81973b",
    connectorSubnetIds: ["subnet-0c3e9b306737c3fb2", "subnet-0dd152da6d977861c"],
    publicSubnetIds: ["subnet-09f0b6b22836f635b", "subnet-060c3c35508ab8bbc"],
    subnetAzs: {
        "subnet-0c3e9b306737c3fb2": "us-east-1a",
        "subnet-0dd152da6d977861c": "us-east-1b",
        "subnet-09f0b6b22836f635b": "us-east-1a",
        "subnet-060c3c35508ab8bbc": "us-east-1b",
    },
};

describe("VpcEgress", () => {
    it("perAz puts one NAT in each AZ and routes each connector subnet to the NAT in its own AZ", async () => {
        const { mocks } = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", existing, natMode: "perAz" }));
        const nats = mocks.ofType("aws:ec2/natGateway:NatGateway");
        assert.deepStrictEqual(nats.map((n) => n.inputs.subnetId).sort(), ["subnet-060c3c35508ab8bbc", "subnet-09f0b6b22836f635b"]);
        for (const [subnet, az] of [
            ["subnet-0c3e9b306737c3fb2", "us-east-1a"],
            ["subnet-0dd152da6d977861c", "us-east-1b"],
        ]) {
            const association = mocks.ofType("aws:ec2/routeTableAssociation:RouteTableAssociation").find((a) => a.inputs.subnetId === subnet)!;
            const route = mocks.ofType("aws:ec2/route:Route").find((r) => r.inputs.routeTableId === association.inputs.routeTableId)!;
            const nat = nats.find((n) => n.id === route.inputs.natGatewayId)!;
            assert.strictEqual(existing.subnetAzs[nat.inputs.subnetId as keyof typeof existing.subnetAzs], az);
        }
    });

    it("hands out the connector ARN only after the NAT routes exist", async () => {
        const { built } = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", existing }));
        const dependencies = await dependenciesOf(built.routedConnectorArn!);
        const types = dependencies.map((d) => (d as unknown as { __pulumiType: string }).__pulumiType).sort();
        assert.deepStrictEqual(types, [
            "aws:apprunner/vpcConnector:VpcConnector",
            "aws:ec2/route:Route",
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
        ]);
    });

    it("gives the connector its own security group: no ingress rule, one explicit rule for all egress", async () => {
        const { mocks } = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", existing }));
        const group = mocks.named("egress-connector-sg").id;
        assert.deepStrictEqual(mocks.named("egress-connector").inputs.securityGroups, [group]);
        assert.deepStrictEqual(mocks.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"), []);
        const egress = mocks.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map((r) => r.inputs);
        assert.deepStrictEqual(
            egress.map(({ securityGroupId, ipProtocol, cidrIpv4 }) => ({ securityGroupId, ipProtocol, cidrIpv4 })),
            [{ securityGroupId: group, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }],
        );
    });

    it("imports an adopted group's existing egress rule instead of creating a duplicate, and keeps the connector and its group", async () => {
        const adopt = { connectorSecurityGroupId: "sg-00bc5ec63287eacdd", connectorArn: "arn:aws:apprunner:us-east-1:566287346479:vpcconnector/c/1/b07c" };
        const { mocks } = await underMocks(
            () => new VpcEgress("egress", { connectorName: "c-test", existing, adopt: { ...adopt, connectorEgressRuleId: "sgr-0123456789abcdef0" } }),
        );
        assert.strictEqual(mocks.named("egress-connector-egress").importId, "sgr-0123456789abcdef0");
        for (const name of ["egress-connector-sg", "egress-connector-egress", "egress-connector"]) {
            const options = mocks.optionsOf(name);
            assert.deepStrictEqual([options.protect, options.retainOnDelete], [true, true], name);
        }
        const { mocks: confirmedAbsent } = await underMocks(
            () => new VpcEgress("egress", { connectorName: "c-test", existing, adopt: { ...adopt, connectorEgressRuleId: "create" } }),
        );
        assert.strictEqual(confirmedAbsent.named("egress-connector-egress").importId, undefined);
        // Omitted inline rules keep the live ones (terraform-provider-aws), so the program leaves `egress` unset instead of ignoring it.
        assert.strictEqual(confirmedAbsent.named("egress-connector-sg").inputs.egress, undefined, "the adopted group's inline egress is left as it is");
    });

    it("refuses a NAT subnet that is also a connector subnet", () => {
        const problems = vpcEgressProblems({ connectorName: "c", existing: { ...existing, publicSubnetIds: ["subnet-0c3e9b306737c3fb2"] } });
        assert.deepStrictEqual(problems, [
            "`existing.publicSubnetIds` subnet-0c3e9b306737c3fb2 is also a connector subnet; the NAT must sit in a public subnet whose default route is an internet gateway",
        ]);
        assert.throws(
            () => new VpcEgress("bad", { connectorName: "c", existing: { ...existing, publicSubnetIds: ["subnet-0c3e9b306737c3fb2"] } }),
            /VpcEgress bad:/,
        );
    });

    it("refuses perAz when a connector subnet's AZ has no public subnet", () => {
        const problems = vpcEgressProblems({ connectorName: "c", natMode: "perAz", existing: { ...existing, publicSubnetIds: ["subnet-09f0b6b22836f635b"] } });
        assert.deepStrictEqual(problems, ["`existing.subnetAzs.subnet-0dd152da6d977861c` is in us-east-1b, where no public subnet is listed for its NAT"]);
    });

    it("plans a single NAT in the first public subnet for all connector subnets", () => {
        assert.deepStrictEqual(planNatPlacement(existing, "single"), [
            { key: "", publicSubnetId: "subnet-09f0b6b22836f635b", connectorSubnetIds: existing.connectorSubnetIds },
        ]);
    });

    it("requires the AZ of every connector and public subnet for perAz, naming each subnet missing one", () => {
        const subnetAzs = { "subnet-0c3e9b306737c3fb2": "us-east-1a", "subnet-09f0b6b22836f635b": "us-east-1a" };
        assert.deepStrictEqual(vpcEgressProblems({ connectorName: "c", natMode: "perAz", existing: { ...existing, subnetAzs } }), [
            "`existing.subnetAzs.subnet-0dd152da6d977861c` is required for natMode perAz",
            "`existing.subnetAzs.subnet-060c3c35508ab8bbc` is required for natMode perAz",
        ]);
        assert.deepStrictEqual(vpcEgressProblems({ connectorName: "c", natMode: "single", existing: { ...existing, subnetAzs } }), []);
    });

    it("plans no NAT at all in mode none", async () => {
        assert.deepStrictEqual(planNatPlacement(existing, "none"), []);
        const { mocks } = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", existing, natMode: "none" }));
        assert.deepStrictEqual(mocks.ofType("aws:ec2/natGateway:NatGateway"), []);
        assert.deepStrictEqual(mocks.ofType("aws:ec2/route:Route"), []);
    });

    it("requires exactly one of existing and greenfield", () => {
        assert.deepStrictEqual(vpcEgressProblems({ connectorName: "c" }), ["exactly one of `existing` and `greenfield` must be given"]);
        assert.deepStrictEqual(vpcEgressProblems({ connectorName: "c", existing, greenfield: {} }), [
            "exactly one of `existing` and `greenfield` must be given",
        ]);
    });
});

describe("VpcEgress resources", () => {
    it("registers every resource as a child of the component", async () => {
        const { mocks } = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", existing, natMode: "perAz" }));
        const custom = mocks.resources.filter((r) => r.custom).map((r) => r.name);
        assert.strictEqual(custom.length, 3 + 2 * 4 + 2);
        for (const name of custom) assert.match(mocks.optionsOf(name).urn, /::egress-remediation:network:VpcEgress\$aws:/, name);
    });

    it("single mode: one public NAT with its own EIP, one private table whose default route goes to it, for every connector subnet", async () => {
        const { mocks, built } = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", existing }));
        const eip = mocks.named("egress-nat-eip");
        const nat = mocks.named("egress-nat");
        const table = mocks.named("egress-private-rt");
        assert.deepStrictEqual(eip.inputs, { domain: "vpc", tags: { Name: "egress-nat" } });
        assert.deepStrictEqual(nat.inputs, {
            allocationId: eip.id,
            subnetId: "subnet-09f0b6b22836f635b",
            connectivityType: "public",
            tags: { Name: "egress-nat" },
        });
        assert.deepStrictEqual(table.inputs, { vpcId: existing.vpcId, tags: { Name: "egress-private" } });
        assert.deepStrictEqual(mocks.named("egress-nat-route").inputs, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
        for (const subnetId of existing.connectorSubnetIds) {
            assert.deepStrictEqual(mocks.named(`egress-rta-${subnetId}`).inputs, { subnetId, routeTableId: table.id });
        }
        assert.deepStrictEqual(await promiseOf(built.natGatewayIds), [nat.id]);
        assert.deepStrictEqual(await promiseOf(built.natPublicIps), [eip.state.publicIp]);
        assert.deepStrictEqual(await promiseOf(built.routeTableIds), [table.id]);
        assert.deepStrictEqual(await promiseOf(built.connectorSubnetIds), existing.connectorSubnetIds);
        assert.strictEqual(await promiseOf(built.vpcId), existing.vpcId);
    });

    it("names the connector and its group as configured, in the connector subnets", async () => {
        const { mocks, built } = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", existing }));
        const group = mocks.named("egress-connector-sg");
        assert.deepStrictEqual(group.inputs, {
            vpcId: existing.vpcId,
            description: "App Runner VPC connector: no ingress, egress to the VPC and through NAT",
            tags: { Name: "egress-connector-sg" },
        });
        assert.strictEqual(mocks.named("egress-connector-egress").inputs.description, "all egress: VPC targets and, via NAT, the internet");
        const connector = mocks.named("egress-connector");
        assert.deepStrictEqual([connector.inputs.vpcConnectorName, connector.inputs.subnets], ["c-test", existing.connectorSubnetIds]);
        assert.strictEqual(await promiseOf(built.connectorArn!), connector.state.arn);
        assert.strictEqual(await promiseOf(built.routedConnectorArn!), connector.state.arn);
        assert.strictEqual(await promiseOf(built.connectorSecurityGroupId!), group.id);
        for (const name of ["egress-connector-sg", "egress-connector-egress", "egress-connector"])
            assert.strictEqual(mocks.named(name).importId, undefined, name);
    });

    it("greenfield: hands out the connector ARN only after awsx has made the VPC's NAT gateways and routes", async () => {
        const { built } = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", greenfield: {} }));
        const types = (await dependenciesOf(built.routedConnectorArn!)).map((d) => (d as unknown as { __pulumiType: string }).__pulumiType).sort();
        assert.deepStrictEqual(types, ["aws:apprunner/vpcConnector:VpcConnector", "awsx:ec2:Vpc"]);
    });

    it("refuses to construct with every problem in one message", () => {
        assert.throws(() => new VpcEgress("bad", { connectorName: "c", existing: { vpcId: "vpc-1", connectorSubnetIds: [], publicSubnetIds: [] } }), {
            message:
                "VpcEgress bad: `existing.connectorSubnetIds` must list at least one subnet; `existing.publicSubnetIds` must list at least one subnet for the NAT gateway",
        });
    });

    it("greenfield: an awsx VPC with public /24 and private /20 subnets and the chosen NAT strategy, the connector in its private subnets", async () => {
        const { mocks, built } = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", greenfield: {}, natMode: "perAz" }));
        const vpc = mocks.named("egress-vpc");
        assert.deepStrictEqual(vpc.inputs, {
            cidrBlock: "10.40.0.0/16",
            numberOfAvailabilityZones: 2,
            natGateways: { strategy: "OnePerAz" },
            subnetStrategy: "Auto",
            subnetSpecs: [
                { type: "Public", cidrMask: 24 },
                { type: "Private", cidrMask: 20 },
            ],
            tags: { Name: "egress-vpc" },
        });
        assert.match(mocks.optionsOf("egress-vpc").urn, /::egress-remediation:network:VpcEgress\$awsx:ec2:Vpc::egress-vpc$/);
        const state = vpc.state as {
            vpcId: string;
            privateSubnetIds: string[];
            natGateways: { id: string }[];
            eips: { publicIp: string }[];
            routeTables: { id: string }[];
        };
        assert.deepStrictEqual(mocks.named("egress-connector").inputs.subnets, state.privateSubnetIds);
        assert.strictEqual(mocks.named("egress-connector-sg").inputs.vpcId, state.vpcId);
        assert.deepStrictEqual(
            await promiseOf(built.natGatewayIds),
            state.natGateways.map((n) => n.id),
        );
        assert.deepStrictEqual(
            await promiseOf(built.natPublicIps),
            state.eips.map((e) => e.publicIp),
        );
        assert.deepStrictEqual(
            await promiseOf(built.routeTableIds),
            state.routeTables.map((t) => t.id),
        );
        assert.strictEqual(state.natGateways.length, 2);

        const sized = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", greenfield: { cidrBlock: "10.50.0.0/16", azCount: 3 } }));
        const inputs = sized.mocks.named("egress-vpc").inputs;
        assert.deepStrictEqual([inputs.cidrBlock, inputs.numberOfAvailabilityZones, inputs.natGateways], ["10.50.0.0/16", 3, { strategy: "Single" }]);
        const none = await underMocks(() => new VpcEgress("egress", { connectorName: "c-test", greenfield: {}, natMode: "none" }));
        assert.deepStrictEqual(none.mocks.named("egress-vpc").inputs.natGateways, { strategy: "None" });
    });
});
