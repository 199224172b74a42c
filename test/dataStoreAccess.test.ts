import * as assert from "assert";
import { DataStoreAccess, dataStoreAccessProblems } from "../components/dataStoreAccess";
import { INGRESS_RULE, SECURITY_GROUP } from "../components/liveProperties";
import { underMocks } from "./harness";

describe("DataStoreAccess", () => {
    it("writes one rule per store and source, each sourced from a security group", async () => {
        const { mocks } = await underMocks(
            () => new DataStoreAccess("d", { vpcId: "vpc-1", sources: { connector: "sg-0000000000000000a", "ecs-tasks": "sg-0000000000000000b" } }),
        );
        const rules = mocks.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepStrictEqual(rules.map((r) => [r.name, r.inputs.fromPort, r.inputs.referencedSecurityGroupId]).sort(), [
            ["d-postgres-from-connector", 5432, "sg-0000000000000000a"],
            ["d-postgres-from-ecs-tasks", 5432, "sg-0000000000000000b"],
            ["d-redis-from-connector", 6379, "sg-0000000000000000a"],
            ["d-redis-from-ecs-tasks", 6379, "sg-0000000000000000b"],
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
        assert.strictEqual(mocks.named("d-redis-from-connector").importId, undefined);
        // The adopted RDS group and its rules keep their live name, description, tags and inline rules.
        const group = mocks.optionsOf("d-postgres-sg");
        assert.strictEqual(mocks.named("d-postgres-sg").importId, "sg-0e4cc786d9053f05f");
        assert.deepStrictEqual(group.ignoreChanges, [...SECURITY_GROUP.leftAlone]);
        assert.deepStrictEqual([group.protect, group.retainOnDelete], [true, true]);
        assert.deepStrictEqual(mocks.optionsOf("d-postgres-from-connector").ignoreChanges, [...INGRESS_RULE.leftAlone]);
        // The Redis group is this stack's own: nothing of it is left as it is live.
        assert.deepStrictEqual(mocks.optionsOf("d-redis-sg").ignoreChanges, []);
    });

    it("moves the replication group into its own group only after that group's rules exist, keeping every other live setting", async () => {
        const { mocks } = await underMocks(
            () => new DataStoreAccess("d", { vpcId: "vpc-1", sources: { connector: "sg-0000000000000000a" }, redisReplicationGroupId: "nerava-redis" }),
        );
        const redis = mocks.optionsOf("d-redis");
        assert.ok(redis.dependencies.includes(mocks.optionsOf("d-redis-from-connector").urn), "the move does not wait for the Redis rule");
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
        assert.strictEqual(mocks.named("d-redis-from-vpn-v6").inputs.cidrIpv6, "fd00::/8");
        assert.strictEqual(mocks.named("d-redis-from-vpn-v6").inputs.cidrIpv4, undefined);
    });

    it("refuses rule ids for unknown sources and an empty source list", () => {
        assert.deepStrictEqual(dataStoreAccessProblems({ vpcId: "v", sources: {} }), ["`sources` must name at least one security group"]);
        assert.match(
            dataStoreAccessProblems({ vpcId: "v", sources: { connector: "sg-1" }, adopt: { postgresIngressRuleIds: { ecs: "sgr-1" } } })[0],
            /`adopt.postgresIngressRuleIds.ecs` names no source/,
        );
    });
});
