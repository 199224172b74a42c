import * as assert from "assert";
import { parse } from "yaml";
import {
    AuthorizeSecurityGroupIngressCommand,
    CreateSecurityGroupCommand,
    DescribeSecurityGroupRulesCommand,
    EC2Client,
    IpPermission,
} from "@aws-sdk/client-ec2";
import { stackText, useMotoWorld } from "./harness";
import { projectDir } from "./world";

const WORLD_V4 = { IpRanges: [{ CidrIp: "0.0.0.0/0" }] };
const WORLD_V6 = { Ipv6Ranges: [{ CidrIpv6: "::/0" }] };

describe("discover: every world-open rule on the data stores' groups, and the one the adopt stage can import", function () {
    const env = useMotoWorld();

    /** A fresh PostgreSQL group in the App Runner VPC holding `permissions`, with its rule ids by `protocol from-to cidr`. */
    async function postgresGroup(name: string, permissions: IpPermission[]): Promise<{ group: string; ids: Record<string, string> }> {
        const ec2 = new EC2Client(await env.clientConfig("appRunner"));
        const group = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: env.world.appRunner.vpcId }))).GroupId!;
        for (const permission of permissions) await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [permission] }));
        const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [group] }] }))).SecurityGroupRules ?? [];
        const ids = Object.fromEntries(
            rules.filter((r) => !r.IsEgress).map((r) => [`${r.IpProtocol} ${r.FromPort}-${r.ToPort} ${r.CidrIpv4 ?? r.CidrIpv6}`, r.SecurityGroupRuleId!]),
        );
        return { group, ids };
    }

    const adoptingGroup = (group: string) => (t: string) => t.split(env.world.appRunner.rdsSgId).join(group);
    const adopt = (dir: string) => parse(stackText(dir)).config["egress-remediation:appRunner"].adopt;
    const unverified = (dir: string, key: string) =>
        (parse(stackText(dir)).config["egress-remediation:unverified"] ?? []).find((e: { key: string }) => e.key === key);

    it("names a world-open SSH rule and a world-open IPv6 PostgreSQL rule, and adopts only the exact IPv4 one", async () => {
        const { group, ids } = await postgresGroup("db-ssh", [
            { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, ...WORLD_V4 },
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, ...WORLD_V4 },
            { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, ...WORLD_V6 },
        ]);
        const dir = projectDir(env.world, adoptingGroup(group));
        const run = await env.discover(dir, { write: true });
        assert.strictEqual(run.code, 0, run.out + run.err);
        const worldOpen = run.out.split("\n").filter((l) => l.includes("world-open rule"));
        assert.deepStrictEqual(
            worldOpen.sort(),
            [
                `  warn  world-open rule ${ids["tcp 22-22 0.0.0.0/0"]} on ${group}: tcp 22 from 0.0.0.0/0; the program does not declare it: delete it by hand after harden`,
                `  warn  world-open rule ${ids["tcp 5432-5432 ::/0"]} on ${group}: tcp 5432 from ::/0, which reaches 5432 (PostgreSQL); the program does not declare it: delete it by hand after harden`,
                `  warn  world-open rule ${ids["tcp 5432-5432 0.0.0.0/0"]} on ${group}: tcp 5432 from 0.0.0.0/0, which reaches 5432 (PostgreSQL); the adopt stage imports it and the harden stage deletes it (docs/stages.md)`,
            ].sort(),
        );
        assert.strictEqual(adopt(dir).postgresWorldOpenRuleId, ids["tcp 5432-5432 0.0.0.0/0"]);
    });

    it("never adopts a range holding the port (the import would narrow it): leaves the key unconfirmed, saying why", async () => {
        const { group, ids } = await postgresGroup("db-range", [{ IpProtocol: "tcp", FromPort: 5000, ToPort: 6000, ...WORLD_V4 }]);
        const dir = projectDir(env.world, adoptingGroup(group));
        const run = await env.discover(dir, { write: true });
        assert.strictEqual(run.code, 0, run.out + run.err);
        assert.strictEqual(adopt(dir).postgresWorldOpenRuleId, undefined);
        assert.strictEqual(
            unverified(dir, "appRunner.adopt.postgresWorldOpenRuleId").reason,
            `${group} admits 5432 from the world only through ${ids["tcp 5000-6000 0.0.0.0/0"]} (tcp 5000-6000 from 0.0.0.0/0), which the program cannot adopt as "tcp 5432 from 0.0.0.0/0" without changing it, and "none" would be untrue; delete or narrow those rules by hand, then run discover again`,
        );
    });

    it('never writes "none" while an IPv6, all-traffic or UDP world-open rule reaches the port', async () => {
        const { group } = await postgresGroup("db-other-families", [
            { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, ...WORLD_V6 },
            { IpProtocol: "-1", ...WORLD_V6 },
            { IpProtocol: "udp", FromPort: 5432, ToPort: 5432, ...WORLD_V4 },
        ]);
        const dir = projectDir(env.world, (t) =>
            adoptingGroup(group)(t).replace("      postgresSecurityGroupId: ", "      postgresWorldOpenRuleId: none\n      postgresSecurityGroupId: "),
        );
        const run = await env.discover(dir, { write: true });
        assert.strictEqual(run.code, 0, run.out + run.err);
        assert.doesNotMatch(run.out, /^ {2}appRunner\.adopt\.postgresWorldOpenRuleId: .* → /m, "discover writes no value for it");
        assert.match(
            unverified(dir, "appRunner.adopt.postgresWorldOpenRuleId").reason,
            /admits 5432 from the world only through sgr-\S+ \(tcp 5432 from ::\/0\), sgr-\S+ \(all traffic from ::\/0\), sgr-\S+ \(udp 5432 from 0\.0\.0\.0\/0\)/,
        );
    });

    it('writes "none" when no world-open rule reaches the port, while still naming the ones on other ports', async () => {
        const { group, ids } = await postgresGroup("db-ssh-only", [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, ...WORLD_V4 }]);
        const dir = projectDir(env.world, adoptingGroup(group));
        const run = await env.discover(dir, { write: true });
        assert.strictEqual(run.code, 0, run.out + run.err);
        assert.strictEqual(adopt(dir).postgresWorldOpenRuleId, "none");
        assert.ok(run.out.includes(`warn  world-open rule ${ids["tcp 22-22 0.0.0.0/0"]} on ${group}: tcp 22 from 0.0.0.0/0;`), run.out);
        assert.strictEqual(unverified(dir, "appRunner.adopt.postgresWorldOpenRuleId"), undefined);
    });
});
