import { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, SecurityGroup, SecurityGroupRule } from "@aws-sdk/client-ec2";
import { DescribeCacheClustersCommand, DescribeReplicationGroupsCommand, ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { AppRunnerConfig } from "../../config/schema";
import { worldOpenFamilies } from "../../policies/lib/cidr";
import { Exemption, exemptionInForce } from "../../policies/lib/exemptions";
import { databasePortsIn, DEFAULT_DATABASE_PORT_LIST, describePort, portSpan } from "../../policies/lib/ports";
import { AccountSession, call } from "../discover/aws";
import { awsCommand, fail, ok, skip, VerifyCheck } from "./checks";

/** The Name tags the program gives the data stores' groups (components/dataStoreAccess.ts, component `data`). */
export const POSTGRES_GROUP_NAME = "data-postgres-sg";
export const REDIS_GROUP_NAME = "data-redis-sg";

/** The URN of the adopted world-open rule, which policies/exemptions.json exempts while adopting. */
export function worldOpenRuleUrn(stack: string): string {
    return `urn:pulumi:${stack}::egress-remediation::egress-remediation:data:DataStoreAccess$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::data-postgres-world-open`;
}

export interface DataStoresLive {
    /** The PostgreSQL group: the adopted one, or the one the stack created (by its Name tag). */
    readonly postgresGroupId?: string;
    readonly redis?: { readonly id: string; readonly found: boolean; readonly clusterId?: string; readonly groupIds: readonly string[] };
    /** The groups named above, with their tags. */
    readonly groups: readonly SecurityGroup[];
    /** Every rule of those groups. */
    readonly rules: readonly SecurityGroupRule[];
}

function ruleText(rule: SecurityGroupRule): string {
    const ports =
        rule.IpProtocol === "-1"
            ? "all traffic"
            : rule.FromPort === rule.ToPort
              ? `${rule.IpProtocol} ${rule.FromPort}`
              : `${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort}`;
    return `${ports} from ${rule.CidrIpv4 ?? rule.CidrIpv6}`;
}

const nameTag = (group: SecurityGroup | undefined) => group?.Tags?.find((t) => t.Key === "Name")?.Value;

/**
 * No ingress rule on the data stores' groups admits a database port from the whole internet, except, at
 * `adopt`, the one rule the stage imports (`appRunner.adopt.postgresWorldOpenRuleId`) while an exemption in
 * policies/exemptions.json is in force; and at `harden` Redis sits in the group the stack gives it. Pure.
 */
export function evaluateDataStores(
    session: AccountSession,
    config: AppRunnerConfig,
    live: DataStoresLive,
    exemptions: { readonly urn: string; readonly list: readonly Exemption[]; readonly now: number },
): VerifyCheck[] {
    if (config.stage === "egress") return [skip("dataStores", "data stores: stage egress does not manage their groups (adopt imports them)")];
    const checks: VerifyCheck[] = [];
    const ports = [...new Set([config.dataStores.postgresPort, config.dataStores.redisPort, ...DEFAULT_DATABASE_PORT_LIST])];
    const rulesCommand = (group: string) => awsCommand(session, "ec2", "describe-security-group-rules", `--filters Name=group-id,Values=${group}`);
    if (!live.postgresGroupId)
        checks.push(
            fail(
                "dataStores",
                `PostgreSQL security group: none tagged Name=${POSTGRES_GROUP_NAME} (the stack creates it)`,
                awsCommand(session, "ec2", "describe-security-groups", `--filters Name=tag:Name,Values=${POSTGRES_GROUP_NAME}`),
            ),
        );
    const groupIds = [...new Set([...(live.postgresGroupId ? [live.postgresGroupId] : []), ...(live.redis?.groupIds ?? [])])];
    for (const group of groupIds) {
        const worldOpen = live.rules.filter(
            (r) =>
                r.GroupId === group &&
                !r.IsEgress &&
                worldOpenFamilies([r.CidrIpv4, r.CidrIpv6].filter(Boolean)).length > 0 &&
                databasePortsIn(portSpan(r.IpProtocol, r.FromPort, r.ToPort), ports).length > 0,
        );
        for (const rule of worldOpen) {
            const reaches = databasePortsIn(portSpan(rule.IpProtocol, rule.FromPort, rule.ToPort), ports)
                .map(describePort)
                .join(", ");
            const what = `world-open rule ${rule.SecurityGroupRuleId} on ${group}: ${ruleText(rule)}, which reaches ${reaches}`;
            const adopted = config.stage === "adopt" && group === live.postgresGroupId && rule.SecurityGroupRuleId === config.adopt.postgresWorldOpenRuleId;
            const exemption = adopted ? exemptionInForce(exemptions.list, exemptions.urn, exemptions.now) : undefined;
            if (exemption)
                checks.push(
                    ok(
                        "dataStores",
                        `${what}: the adopt stage's exemption, in force until ${exemption.expires} (harden deletes the rule)`,
                        rulesCommand(group),
                    ),
                );
            else if (adopted)
                checks.push(
                    fail("dataStores", `${what}: adopted, but policies/exemptions.json has no exemption in force for ${exemptions.urn}`, rulesCommand(group)),
                );
            else
                checks.push(
                    fail(
                        "dataStores",
                        `${what}; stage ${config.stage} allows none${config.stage === "adopt" ? " but appRunner.adopt.postgresWorldOpenRuleId" : ""}`,
                        rulesCommand(group),
                    ),
                );
        }
        if (worldOpen.length === 0) checks.push(ok("dataStores", `no rule on ${group} admits a database port from the internet`, rulesCommand(group)));
    }

    const redis = live.redis;
    if (!redis) return checks;
    const clusterCommand = awsCommand(
        session,
        "elasticache",
        "describe-cache-clusters",
        `--cache-cluster-id ${redis.clusterId ?? redis.id} --query 'CacheClusters[0].SecurityGroups'`,
    );
    if (!redis.found) {
        checks.push(
            fail(
                "dataStores",
                `ElastiCache ${redis.id} (appRunner.dataStores.redisReplicationGroupId): no such replication group`,
                awsCommand(session, "elasticache", "describe-replication-groups", `--replication-group-id ${redis.id}`),
            ),
        );
    } else if (config.stage === "adopt") {
        checks.push(
            skip("dataStores", `ElastiCache ${redis.id} stays in ${redis.groupIds.join(", ") || "no group"} at stage adopt (harden moves it to its own group)`),
        );
    } else {
        const groups = redis.groupIds.map((id) => ({ id, name: nameTag(live.groups.find((g) => g.GroupId === id)) }));
        const theStacks = groups.length === 1 && groups[0].name === REDIS_GROUP_NAME;
        const described = groups.map((g) => `${g.id}${g.name ? ` (${g.name})` : ""}`).join(", ") || "no group";
        checks.push(
            theStacks
                ? ok("dataStores", `ElastiCache ${redis.id} sits in ${described}, the stack's Redis group`, clusterCommand)
                : fail(
                      "dataStores",
                      `ElastiCache ${redis.id} sits in ${described}; the stack gives it only its own group (Name ${REDIS_GROUP_NAME})`,
                      clusterCommand,
                  ),
        );
    }
    return checks;
}

/** Reads the data stores' groups, their rules and Redis's groups (read-only). */
export async function readDataStores(session: AccountSession, config: AppRunnerConfig, vpcId: string | undefined): Promise<DataStoresLive> {
    const ec2 = new EC2Client(session.clientConfig);
    let postgresGroupId = config.adopt.postgresSecurityGroupId;
    if (!postgresGroupId) {
        const filters = [{ Name: "tag:Name", Values: [POSTGRES_GROUP_NAME] }, ...(vpcId ? [{ Name: "vpc-id", Values: [vpcId] }] : [])];
        const found = await call(session, "ec2:DescribeSecurityGroups", () => ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters })));
        postgresGroupId = found?.SecurityGroups?.length === 1 ? found.SecurityGroups[0].GroupId : undefined;
    }
    let redis: DataStoresLive["redis"];
    const redisId = config.dataStores.redisReplicationGroupId;
    if (redisId) {
        const cache = new ElastiCacheClient(session.clientConfig);
        const replication = await call(
            session,
            "elasticache:DescribeReplicationGroups",
            () => cache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: redisId })),
            ["ReplicationGroupNotFoundFault", "ReplicationGroupNotFound"],
        );
        const members = replication?.ReplicationGroups?.[0]?.MemberClusters ?? [];
        const groupIds = new Set<string>();
        for (const member of members) {
            const clusters = await call(
                session,
                "elasticache:DescribeCacheClusters",
                () => cache.send(new DescribeCacheClustersCommand({ CacheClusterId: member })),
                ["CacheClusterNotFoundFault", "CacheClusterNotFound"],
            );
            for (const g of clusters?.CacheClusters?.[0]?.SecurityGroups ?? []) if (g.SecurityGroupId) groupIds.add(g.SecurityGroupId);
        }
        redis = { id: redisId, found: replication?.ReplicationGroups?.length === 1, clusterId: members[0], groupIds: [...groupIds] };
    }
    const ids = [...new Set([...(postgresGroupId ? [postgresGroupId] : []), ...(redis?.groupIds ?? [])])];
    if (ids.length === 0) return { postgresGroupId, redis, groups: [], rules: [] };
    const groups =
        (await call(session, "ec2:DescribeSecurityGroups", () => ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ids }))))?.SecurityGroups ?? [];
    const rules =
        (
            await call(session, "ec2:DescribeSecurityGroupRules", () =>
                ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: ids }] })),
            )
        )?.SecurityGroupRules ?? [];
    return { postgresGroupId, redis, groups, rules };
}
