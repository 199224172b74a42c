import * as assert from "assert";
import type { SecurityGroupRule } from "@aws-sdk/client-ec2";
import { adoptableWorldOpenRules, isWorldOpen, reachesPort } from "../tools/discover/dataStores";

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

    it("finds TCP ingress from 0.0.0.0/0 on exactly the port, as the component declares it", () => {
        assert.deepStrictEqual(ids([rule("sgr-0000000000000001", { CidrIpv4: "0.0.0.0/0" })]), ["sgr-0000000000000001"]);
        assert.deepStrictEqual(ids([rule("sgr-0000000000000003", { CidrIpv4: "0.0.0.0/0", IpProtocol: "6" })]), ["sgr-0000000000000003"]);
    });

    it("leaves out a range holding the port: importing it as an exact-port rule would change the live rule", () => {
        assert.deepStrictEqual(ids([rule("sgr-0000000000000002", { CidrIpv4: "0.0.0.0/0", FromPort: 5000, ToPort: 6000 })]), []);
        assert.deepStrictEqual(ids([rule("sgr-0000000000000004", { CidrIpv4: "0.0.0.0/0", FromPort: 5432, ToPort: 5433 })]), []);
    });

    it("leaves out rules the import could not match: other CIDRs, other ports, egress, all traffic, UDP, IPv6", () => {
        assert.deepStrictEqual(
            ids([
                rule("sgr-1", { CidrIpv4: "10.0.0.0/16" }),
                rule("sgr-2", { CidrIpv4: "0.0.0.0/0", FromPort: 6379, ToPort: 6379 }),
                rule("sgr-3", { CidrIpv4: "0.0.0.0/0", IsEgress: true }),
                rule("sgr-4", { CidrIpv4: "0.0.0.0/0", IpProtocol: "-1", FromPort: -1, ToPort: -1 }),
                rule("sgr-5", { CidrIpv6: "::/0" }),
                rule("sgr-7", { CidrIpv4: "0.0.0.0/0", IpProtocol: "udp" }),
                rule("sgr-6", { ReferencedGroupInfo: { GroupId: "sg-0a41aaa2c9e98acbf" } }),
            ]),
            [],
        );
    });

    it("counts a rule as reaching the port whatever its protocol or family, but not ICMP or another port", () => {
        const reaching = (fields: Partial<SecurityGroupRule>) => reachesPort(rule("sgr-8", fields), 5432);
        assert.deepStrictEqual(
            [
                reaching({ FromPort: 5000, ToPort: 6000 }),
                reaching({ IpProtocol: "-1", FromPort: -1, ToPort: -1 }),
                reaching({ IpProtocol: "udp" }),
                reaching({ IpProtocol: "icmp", FromPort: 8, ToPort: 0 }),
                reaching({ FromPort: 22, ToPort: 22 }),
            ],
            [true, true, true, false, false],
        );
        assert.deepStrictEqual(
            [{ CidrIpv4: "0.0.0.0/0" }, { CidrIpv6: "::/0" }, { CidrIpv4: "10.0.0.0/8" }, { CidrIpv4: "0.0.0.0/0", IsEgress: true }].map((f) =>
                isWorldOpen(rule("sgr-9", f)),
            ),
            [true, true, false, false],
        );
    });
});
