import * as assert from "assert";
import type { SecurityGroupRule } from "@aws-sdk/client-ec2";
import { adoptableWorldOpenRules } from "../tools/discover/dataStores";

const rule = (id: string, fields: Partial<SecurityGroupRule>): SecurityGroupRule => ({
    SecurityGroupRuleId: id,
    IsEgress: false,
    IpProtocol: "tcp",
    FromPort: 5432,
    ToPort: 5432,
    ...fields,
});

describe("discover: the world-open PostgreSQL rule the adopt stage imports", () => {
    const ids = (rules: SecurityGroupRule[]) => adoptableWorldOpenRules(rules, 5432).map((r) => r.SecurityGroupRuleId);

    it("finds TCP ingress from 0.0.0.0/0 whose range holds the port, the seeds' rule and a wider range alike", () => {
        assert.deepStrictEqual(ids([rule("sgr-0000000000000001", { CidrIpv4: "0.0.0.0/0" })]), ["sgr-0000000000000001"]);
        assert.deepStrictEqual(ids([rule("sgr-0000000000000002", { CidrIpv4: "0.0.0.0/0", FromPort: 5000, ToPort: 6000 })]), ["sgr-0000000000000002"]);
    });

    it("leaves out rules the import could not match: other CIDRs, other ports, egress, all traffic, IPv6", () => {
        assert.deepStrictEqual(
            ids([
                rule("sgr-1", { CidrIpv4: "10.0.0.0/16" }),
                rule("sgr-2", { CidrIpv4: "0.0.0.0/0", FromPort: 6379, ToPort: 6379 }),
                rule("sgr-3", { CidrIpv4: "0.0.0.0/0", IsEgress: true }),
                rule("sgr-4", { CidrIpv4: "0.0.0.0/0", IpProtocol: "-1", FromPort: -1, ToPort: -1 }),
                rule("sgr-5", { CidrIpv6: "::/0" }),
                rule("sgr-6", { ReferencedGroupInfo: { GroupId: "sg-0a41aaa2c9e98acbf" } }),
            ]),
            [],
        );
    });
});
