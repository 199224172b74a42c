import * as assert from "assert";
import { estimateCost } from "../tools/offline/cost";

describe("cost estimate", () => {
    it("prices NAT gateways and their public IPs per region, per hour × 730", () => {
        const regions: Record<string, string> = { "nat-a": "us-east-1", "eip-a": "us-east-1", "nat-b": "eu-central-1" };
        const estimate = estimateCost(
            [
                { type: "aws:ec2/natGateway:NatGateway", name: "nat-a" },
                { type: "aws:ec2/eip:Eip", name: "eip-a" },
                { type: "aws:ec2/natGateway:NatGateway", name: "nat-b" },
                { type: "aws:ecs/service:Service", name: "api" },
            ],
            (name) => regions[name],
        );
        assert.deepStrictEqual(
            estimate.items.map((i) => [i.resource, i.monthlyUsd]),
            [
                ["nat-a", 32.85],
                ["eip-a", 3.65],
                ["nat-b", 37.96],
            ],
        );
        assert.strictEqual(estimate.monthlyUsd, 74.46);
    });

    it("says so instead of guessing for a region missing from the table", () => {
        const [item] = estimateCost([{ type: "aws:ec2/natGateway:NatGateway", name: "n" }], () => "ap-south-2").items;
        assert.strictEqual(item.monthlyUsd, null);
        assert.strictEqual(item.note, "no price for ap-south-2 in the table");
    });

    it("prices an awsx VPC by the NAT gateways its outputs list", () => {
        const estimate = estimateCost([{ type: "awsx:ec2:Vpc", name: "vpc", natGateways: [{ id: "nat-1" }, { id: "nat-2" }] }], () => "us-east-1");
        assert.strictEqual(estimate.items.length, 4);
        assert.strictEqual(estimate.monthlyUsd, 73);
    });
});
