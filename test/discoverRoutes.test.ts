import * as assert from "assert";
import type { RouteTable, Subnet } from "@aws-sdk/client-ec2";
import { describeRouting, isPublic, publicCandidates, publicSubnetProblem, subnetRouting } from "../tools/discover/routes";

const VPC = "vpc-0070057532e81973b";
const subnet = (id: string, az = "us-east-1a"): Subnet => ({ SubnetId: id, VpcId: VPC, AvailabilityZone: az });
const table = (id: string, target: Record<string, string> | undefined, associations: { subnet?: string; main?: boolean }[], state = "active"): RouteTable => ({
    RouteTableId: id,
    VpcId: VPC,
    Routes: [
        { DestinationCidrBlock: "10.0.0.0/16", GatewayId: "local" },
        ...(target ? [{ DestinationCidrBlock: "0.0.0.0/0", State: state as "active", ...target }] : []),
    ],
    Associations: associations.map((a) => ({ SubnetId: a.subnet, Main: a.main ?? false })),
});

describe("discover: subnet routing", () => {
    const subnets = [
        subnet("subnet-0c3e9b306737c3fb2"),
        subnet("subnet-0dd152da6d977861c", "us-east-1b"),
        subnet("subnet-09f0b6b22836f635b"),
        subnet("subnet-0aaaaaaaaaaaaaaa1", "us-east-1b"),
        subnet("subnet-0aaaaaaaaaaaaaaa2"),
    ];
    const tables = [
        table("rtb-main", undefined, [{ main: true }]),
        table("rtb-public", { GatewayId: "igw-0123" }, [{ subnet: "subnet-0aaaaaaaaaaaaaaa1" }, { subnet: "subnet-0aaaaaaaaaaaaaaa2" }]),
        table("rtb-nat", { NatGatewayId: "nat-0456" }, [{ subnet: "subnet-09f0b6b22836f635b" }]),
    ];
    const routing = subnetRouting(subnets, tables);
    const connectors = ["subnet-0c3e9b306737c3fb2", "subnet-0dd152da6d977861c"];

    it("uses a subnet's own association first and the VPC's main table otherwise", () => {
        assert.deepStrictEqual(
            routing.map((r) => [r.subnetId, r.routeTableId, r.viaMain, r.defaultTarget]),
            [
                ["subnet-0c3e9b306737c3fb2", "rtb-main", true, undefined],
                ["subnet-0dd152da6d977861c", "rtb-main", true, undefined],
                ["subnet-09f0b6b22836f635b", "rtb-nat", false, "nat-0456"],
                ["subnet-0aaaaaaaaaaaaaaa1", "rtb-public", false, "igw-0123"],
                ["subnet-0aaaaaaaaaaaaaaa2", "rtb-public", false, "igw-0123"],
            ],
        );
        assert.strictEqual(describeRouting(routing[0]), "subnet-0c3e9b306737c3fb2 (us-east-1a): rtb-main (the VPC's main table), no 0.0.0.0/0 route");
        assert.strictEqual(describeRouting(routing[3]), "subnet-0aaaaaaaaaaaaaaa1 (us-east-1b): rtb-public, 0.0.0.0/0 → igw-0123");
    });

    it("accepts a public subnet only when its default route reaches an internet gateway and it is no connector subnet", () => {
        assert.strictEqual(publicSubnetProblem("subnet-0aaaaaaaaaaaaaaa1", routing, connectors), undefined);
        assert.strictEqual(
            publicSubnetProblem("subnet-0c3e9b306737c3fb2", routing, connectors),
            "is a connector subnet (its default route will point at the NAT itself)",
        );
        assert.strictEqual(
            publicSubnetProblem("subnet-09f0b6b22836f635b", routing, connectors),
            "routes 0.0.0.0/0 to nat-0456, not to an internet gateway (route table rtb-nat)",
        );
        assert.strictEqual(publicSubnetProblem("subnet-0bbbbbbbbbbbbbbb1", routing, connectors), "does not exist in the VPC");
        // A connector subnet that routes to the internet gateway today is still refused.
        const igwConnector = subnetRouting(
            [subnet("subnet-0c3e9b306737c3fb2")],
            [table("rtb-x", { GatewayId: "igw-1" }, [{ subnet: "subnet-0c3e9b306737c3fb2" }])],
        );
        assert.match(publicSubnetProblem("subnet-0c3e9b306737c3fb2", igwConnector, connectors)!, /is a connector subnet/);
    });

    it("does not count a blackholed internet gateway route", () => {
        const dead = subnetRouting(
            [subnet("subnet-0aaaaaaaaaaaaaaa1")],
            [table("rtb-dead", { GatewayId: "igw-gone" }, [{ subnet: "subnet-0aaaaaaaaaaaaaaa1" }], "blackhole")],
        );
        assert.strictEqual(isPublic(dead[0]), false);
        assert.strictEqual(
            publicSubnetProblem("subnet-0aaaaaaaaaaaaaaa1", dead, []),
            "routes 0.0.0.0/0 to igw-gone, which is blackholed (route table rtb-dead)",
        );
    });

    it("proposes public subnets in the first connector subnet's AZ first, then by id", () => {
        assert.deepStrictEqual(
            publicCandidates(routing, connectors).map((r) => r.subnetId),
            ["subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa1"],
        );
        assert.deepStrictEqual(
            publicCandidates(routing, [...connectors, "subnet-0aaaaaaaaaaaaaaa2"]).map((r) => r.subnetId),
            ["subnet-0aaaaaaaaaaaaaaa1"],
        );
    });
});
