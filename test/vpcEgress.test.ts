import * as assert from "assert";
import { planNatPlacement, vpcEgressProblems, VpcEgress } from "../components/vpcEgress";
import { dependenciesOf, underMocks } from "./harness";

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
        const dependencies = await dependenciesOf(built.routedConnectorArn);
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
        assert.ok(confirmedAbsent.optionsOf("egress-connector-sg").ignoreChanges.includes("egress"), "the adopted group's inline egress is left as it is");
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

    it("requires exactly one of existing and greenfield", () => {
        assert.deepStrictEqual(vpcEgressProblems({ connectorName: "c" }), ["exactly one of `existing` and `greenfield` must be given"]);
        assert.deepStrictEqual(vpcEgressProblems({ connectorName: "c", existing, greenfield: {} }), [
            "exactly one of `existing` and `greenfield` must be given",
        ]);
    });
});
