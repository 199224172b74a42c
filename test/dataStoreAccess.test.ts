import * as assert from "assert";
import { DataStoreAccess, dataStoreAccessProblems } from "../components/dataStoreAccess";
import { INGRESS_RULE, SECURITY_GROUP } from "../components/liveProperties";
import { promiseOf, underMocks } from "./harness";

type Mocks = Awaited<ReturnType<typeof underMocks>>["mocks"];
const redisIngress = (mocks: Mocks) => mocks.named("d-redis-sg").inputs.ingress as Record<string, unknown>[];

describe("DataStoreAccess", () => {
    it("writes one rule per store and source, each sourced from a security group: standalone on the RDS group, inline on Redis's own", async () => {
        const { mocks } = await underMocks(
            () => new DataStoreAccess("d", { vpcId: "vpc-1", sources: { connector: "sg-0000000000000000a", "ecs-tasks": "sg-0000000000000000b" } }),
        );
        const rules = mocks.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepStrictEqual(rules.map((r) => [r.name, r.inputs.fromPort, r.inputs.referencedSecurityGroupId]).sort(), [
            ["d-postgres-from-connector", 5432, "sg-0000000000000000a"],
            ["d-postgres-from-ecs-tasks", 5432, "sg-0000000000000000b"],
        ]);
        assert.deepStrictEqual(redisIngress(mocks), [
            { securityGroups: ["sg-0000000000000000a"], protocol: "tcp", fromPort: 6379, toPort: 6379, description: "redis from connector" },
            { securityGroups: ["sg-0000000000000000b"], protocol: "tcp", fromPort: 6379, toPort: 6379, description: "redis from ecs-tasks" },
        ]);
        assert.strictEqual(mocks.ofType("aws:elasticache/replicationGroup:ReplicationGroup").length, 0);
    });

    it("imports an existing rule instead of duplicating it; the adopted group and its rules keep what is live", async () => {
        const { mocks } = await underMocks(
            () =>
                new DataStoreAccess("d", {
                    vpcId: "vpc-1",
                    sources: { connector: "sg-0000000000000000a" },
                    adopt: { postgresSecurityGroupId: "sg-0e4cc786d9053f05f", postgresIngressRuleIds: { connector: "sgr-0123456789abcdef0" } },
                }),
        );
        assert.strictEqual(mocks.named("d-postgres-from-connector").importId, "sgr-0123456789abcdef0");
        assert.strictEqual(mocks.named("d-redis-sg").importId, undefined);
        // The adopted RDS group and its rules keep their live name, description, tags and inline rules.
        const group = mocks.optionsOf("d-postgres-sg");
        assert.strictEqual(mocks.named("d-postgres-sg").importId, "sg-0e4cc786d9053f05f");
        assert.deepStrictEqual(group.ignoreChanges, [...SECURITY_GROUP.leftAlone]);
        assert.deepStrictEqual([group.protect, group.retainOnDelete], [true, true]);
        assert.deepStrictEqual(mocks.optionsOf("d-postgres-from-connector").ignoreChanges, [...INGRESS_RULE.leftAlone]);
        // The Redis group is this stack's own: nothing of it is left as it is live.
        assert.deepStrictEqual(mocks.optionsOf("d-redis-sg").ignoreChanges, []);
    });

    it("moves the replication group into its own group only after that group, rules included, exists, keeping every other live setting", async () => {
        const { mocks } = await underMocks(
            () => new DataStoreAccess("d", { vpcId: "vpc-1", sources: { connector: "sg-0000000000000000a" }, redisReplicationGroupId: "nerava-redis" }),
        );
        const redis = mocks.optionsOf("d-redis");
        assert.ok(redis.dependencies.includes(mocks.optionsOf("d-redis-sg").urn), "the move does not wait for the Redis group and its inline rule");
        assert.strictEqual(redisIngress(mocks).length, 1);
        assert.strictEqual(mocks.named("d-redis").importId, "nerava-redis");
        for (const kept of ["automaticFailoverEnabled", "multiAzEnabled", "snapshotRetentionLimit", "logDeliveryConfigurations", "notificationTopicArn"]) {
            assert.ok(redis.ignoreChanges.includes(kept), `${kept} would be reset to the provider's default`);
            assert.strictEqual(mocks.named("d-redis").inputs[kept], undefined);
        }
        assert.deepStrictEqual([redis.protect, redis.retainOnDelete], [true, true]);
    });

    it("adds a rule per store for each named CIDR source, IPv4 or IPv6", async () => {
        const { mocks } = await underMocks(
            () =>
                new DataStoreAccess("d", {
                    vpcId: "vpc-1",
                    sources: { connector: "sg-0000000000000000a" },
                    cidrSources: { vpn: "10.8.0.0/16", "vpn-v6": "fd00::/8" },
                }),
        );
        assert.strictEqual(mocks.named("d-postgres-from-vpn").inputs.cidrIpv4, "10.8.0.0/16");
        assert.strictEqual(mocks.named("d-postgres-from-vpn-v6").inputs.cidrIpv6, "fd00::/8");
        assert.strictEqual(mocks.named("d-postgres-from-vpn-v6").inputs.cidrIpv4, undefined);
        const [, vpn, vpnV6] = redisIngress(mocks);
        assert.deepStrictEqual([vpn.cidrBlocks, vpn.ipv6CidrBlocks, vpn.description], [["10.8.0.0/16"], undefined, "redis from vpn"]);
        assert.deepStrictEqual([vpnV6.cidrBlocks, vpnV6.ipv6CidrBlocks, vpnV6.description], [undefined, ["fd00::/8"], "redis from vpn-v6"]);
    });

    it("refuses rule ids for unknown sources and an empty source list", () => {
        assert.deepStrictEqual(dataStoreAccessProblems({ vpcId: "v", sources: {} }), ["`sources` must name at least one security group"]);
        assert.match(
            dataStoreAccessProblems({ vpcId: "v", sources: { connector: "sg-1" }, adopt: { postgresIngressRuleIds: { ecs: "sgr-1" } } })[0],
            /`adopt.postgresIngressRuleIds.ecs` names no source/,
        );
    });
});

describe("DataStoreAccess resources and refusals", () => {
    const args = { vpcId: "vpc-1", sources: { connector: "sg-0000000000000000a" }, redisReplicationGroupId: "nerava-redis" };

    it("registers every resource as a child of the component", async () => {
        const { mocks } = await underMocks(() => new DataStoreAccess("d", args));
        const names = mocks.resources.filter((r) => r.custom).map((r) => r.name);
        assert.deepStrictEqual(names.sort(), ["d-postgres-from-connector", "d-postgres-sg", "d-redis", "d-redis-sg"]);
        for (const name of names) assert.match(mocks.optionsOf(name).urn, /::egress-remediation:data:DataStoreAccess\$aws:/, name);
    });

    it("creates one group per store in the VPC, named and described for its store", async () => {
        const { mocks, built } = await underMocks(() => new DataStoreAccess("d", args));
        assert.deepStrictEqual(mocks.named("d-postgres-sg").inputs, {
            vpcId: "vpc-1",
            description: "PostgreSQL: only from named security groups",
            tags: { Name: "d-postgres-sg" },
        });
        const { ingress, ...redisGroup } = mocks.named("d-redis-sg").inputs;
        assert.deepStrictEqual(redisGroup, { vpcId: "vpc-1", description: "Redis: only from named security groups", tags: { Name: "d-redis-sg" } });
        assert.strictEqual((ingress as unknown[]).length, 1);
        assert.strictEqual(await promiseOf(built.postgresSecurityGroupId), mocks.named("d-postgres-sg").id);
        assert.strictEqual(await promiseOf(built.redisSecurityGroupId!), mocks.named("d-redis-sg").id);
    });

    it("opens exactly the store's TCP port on its own group, describing the source, on configured ports too", async () => {
        const { mocks } = await underMocks(() => new DataStoreAccess("d", { ...args, postgresPort: 5433, redisPort: 6380 }));
        assert.deepStrictEqual(mocks.named("d-postgres-from-connector").inputs, {
            securityGroupId: mocks.named("d-postgres-sg").id,
            referencedSecurityGroupId: "sg-0000000000000000a",
            ipProtocol: "tcp",
            fromPort: 5433,
            toPort: 5433,
            description: "postgres from connector",
        });
        assert.deepStrictEqual(redisIngress(mocks), [
            { securityGroups: ["sg-0000000000000000a"], protocol: "tcp", fromPort: 6380, toPort: 6380, description: "redis from connector" },
        ]);
    });

    it("moves the replication group, applied at once, into the Redis group only", async () => {
        const { mocks } = await underMocks(() => new DataStoreAccess("d", args));
        assert.deepStrictEqual(mocks.named("d-redis").inputs, {
            replicationGroupId: "nerava-redis",
            description: "adopted",
            securityGroupIds: [mocks.named("d-redis-sg").id],
            applyImmediately: true,
        });
    });

    it("refuses a source name outside lowercase letters, digits and -, anywhere in it, and one used for both a group and a CIDR", () => {
        assert.deepStrictEqual(
            dataStoreAccessProblems({ vpcId: "v", sources: { connector: "sg-1", "ecs-tasks-2": "sg-2" }, cidrSources: { vpn: "10.8.0.0/16" } }),
            [],
        );
        assert.deepStrictEqual(
            dataStoreAccessProblems({ vpcId: "v", sources: { Ecs: "sg-1", ecs_: "sg-2" }, cidrSources: { "a b": "10.8.0.0/16", Ecs: "10.9.0.0/16" } }),
            [
                'source name "Ecs" must be lowercase letters, digits and -',
                'source name "ecs_" must be lowercase letters, digits and -',
                'source name "a b" must be lowercase letters, digits and -',
                'source name "Ecs" must be lowercase letters, digits and -',
                'source name "Ecs" is used for both a security group and a CIDR',
            ],
        );
    });

    it("lists the valid sources when a rule id names none, accepting a CIDR source's rule id", () => {
        assert.deepStrictEqual(
            dataStoreAccessProblems({
                vpcId: "v",
                sources: { connector: "sg-1" },
                cidrSources: { vpn: "10.8.0.0/16" },
                adopt: { postgresIngressRuleIds: { vpn: "sgr-1", ecs: "sgr-2" } },
            }),
            ["`adopt.postgresIngressRuleIds.ecs` names no source; sources are connector, vpn"],
        );
    });

    it("refuses to construct with every problem in one message and registers no resource", async () => {
        const { mocks } = await underMocks(() =>
            assert.throws(() => new DataStoreAccess("d", { vpcId: "v", sources: {}, cidrSources: { VPN: "10.8.0.0/16" } }), {
                message: 'DataStoreAccess d: `sources` must name at least one security group; source name "VPN" must be lowercase letters, digits and -',
            }),
        );
        assert.deepStrictEqual(
            mocks.resources.filter((r) => r.custom),
            [],
        );
    });
});
