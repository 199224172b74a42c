import { DescribeSecurityGroupRulesCommand, EC2Client, SecurityGroupRule } from "@aws-sdk/client-ec2";
import { DescribeCacheClustersCommand, DescribeReplicationGroupsCommand, ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { AppRunnerConfig } from "../../config/schema";
import { worldOpenFamilies } from "../../policies/lib/cidr";
import { databasePortsIn, describePort, portSpan } from "../../policies/lib/ports";
import { AccountSession, call } from "./aws";
import { Discovery, emptyDiscovery } from "./findings";

function portsText(rule: SecurityGroupRule): string {
    if (rule.IpProtocol === "-1") return "all traffic";
    return rule.FromPort === rule.ToPort ? `${rule.IpProtocol} ${rule.FromPort}` : `${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort}`;
}

const isTcp = (r: SecurityGroupRule) => r.IpProtocol === "tcp" || r.IpProtocol === "6";

/** Ingress from all of IPv4 or all of IPv6, on any port or protocol. */
export function isWorldOpen(rule: SecurityGroupRule): boolean {
    return !rule.IsEgress && worldOpenFamilies([rule.CidrIpv4, rule.CidrIpv6].filter(Boolean)).length > 0;
}

/** Whether a rule's ports hold `port`, whatever the protocol (all traffic holds every port; ICMP none). */
export function reachesPort(rule: SecurityGroupRule, port: number): boolean {
    return databasePortsIn(portSpan(rule.IpProtocol, rule.FromPort, rule.ToPort), [port]).length > 0;
}

/**
 * The rules `appRunner.adopt.postgresWorldOpenRuleId` can name: exactly what the component
 * declares for it (ingress, tcp, from and to the PostgreSQL port, IPv4 0.0.0.0/0). Importing any
 * other rule (a range, all traffic, IPv6) under that declaration would make the adopt stage
 * change the live rule instead of only recording it.
 */
export function adoptableWorldOpenRules(ingress: readonly SecurityGroupRule[], port: number): SecurityGroupRule[] {
    return ingress.filter((r) => !r.IsEgress && r.CidrIpv4 === "0.0.0.0/0" && isTcp(r) && r.FromPort === port && r.ToPort === port);
}

/** Every rule of `groups` (paged). */
async function groupRules(session: AccountSession, groups: readonly string[]): Promise<SecurityGroupRule[]> {
    const ec2 = new EC2Client(session.clientConfig);
    const rules: SecurityGroupRule[] = [];
    let token: string | undefined;
    do {
        const page = await call(session, "ec2:DescribeSecurityGroupRules", () =>
            ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [...groups] }], MaxResults: 1000, NextToken: token })),
        );
        rules.push(...(page?.SecurityGroupRules ?? []));
        token = page?.NextToken;
    } while (token);
    return rules;
}

/** A `warn` line for each world-open ingress rule of `group` (naming the data store `ports` it reaches), saying what becomes of it. */
function reportWorldOpen(
    d: Discovery,
    group: string,
    rules: readonly SecurityGroupRule[],
    ports: readonly number[],
    fate: (rule: SecurityGroupRule) => string,
): void {
    const worldOpen = rules.filter((r) => r.GroupId === group && isWorldOpen(r));
    for (const rule of worldOpen) {
        const reached = ports.filter((port) => rule.IpProtocol !== "-1" && reachesPort(rule, port));
        const reaches = reached.length ? `, which reaches ${reached.map(describePort).join(" and ")}` : "";
        d.checks.push({
            level: "warn",
            message: `world-open rule ${rule.SecurityGroupRuleId} on ${group}: ${portsText(rule)} from ${rule.CidrIpv4 ?? rule.CidrIpv6}${reaches}; ${fate(rule)}`,
        });
    }
    if (worldOpen.length === 0) d.checks.push({ level: "ok", message: `no world-open rule on ${group}` });
}

/**
 * The PostgreSQL group's part of the adoption: the `sgr-` id of the rule from the connector's
 * group (imported instead of duplicated), and its world-open PostgreSQL rule (adopted by id so
 * the harden stage deletes it), or `none` when no world-open rule reaches the port at all.
 */
function adoptPostgresRules(
    d: Discovery,
    session: AccountSession,
    config: AppRunnerConfig,
    group: string,
    rules: readonly SecurityGroupRule[],
    connectorGroup: string | undefined,
): void {
    const port = config.dataStores.postgresPort;
    const ingress = rules.filter((r) => r.GroupId === group && !r.IsEgress);
    const fromConnector = ingress.find((r) => r.ReferencedGroupInfo?.GroupId === connectorGroup && isTcp(r) && r.FromPort === port && r.ToPort === port);
    if (fromConnector?.SecurityGroupRuleId) {
        d.changes.push({
            part: "appRunner",
            path: ["adopt", "postgresIngressRuleIds", "connector"],
            value: fromConnector.SecurityGroupRuleId,
            source: `ec2:DescribeSecurityGroupRules ${group}: tcp ${port} from ${connectorGroup}`,
        });
    } else {
        d.checks.push({ level: "ok", message: `${group} has no rule for ${port} from ${connectorGroup ?? "the connector group"}; the first up creates it` });
        d.changes.push({
            part: "appRunner",
            path: ["adopt", "postgresIngressRuleIds", "connector"],
            value: "create",
            source: `ec2:DescribeSecurityGroupRules ${group}: none`,
        });
    }

    const adoptable = adoptableWorldOpenRules(ingress, port);
    const adopted = adoptable.length === 1 ? adoptable[0] : undefined;
    const reaching = ingress.filter((r) => isWorldOpen(r) && reachesPort(r, port));
    reportWorldOpen(d, group, rules, [port, config.dataStores.redisPort], (rule) =>
        rule === adopted
            ? "the adopt stage imports it and the harden stage deletes it (docs/stages.md)"
            : "the program does not declare it: delete it by hand after harden",
    );
    const key = "appRunner.adopt.postgresWorldOpenRuleId";
    if (adoptable.length > 1) {
        d.checks.push({
            level: "fail",
            message: `${group} has ${adoptable.length} rules admitting tcp ${port} from 0.0.0.0/0 (${adoptable.map((r) => r.SecurityGroupRuleId).join(", ")}); ${key} adopts one: delete the duplicates, then run discover again`,
        });
    } else if (adopted?.SecurityGroupRuleId) {
        d.changes.push({
            part: "appRunner",
            path: ["adopt", "postgresWorldOpenRuleId"],
            value: adopted.SecurityGroupRuleId,
            source: `ec2:DescribeSecurityGroupRules ${group}: tcp ${port} from 0.0.0.0/0`,
        });
    } else if (reaching.length === 0) {
        d.changes.push({
            part: "appRunner",
            path: ["adopt", "postgresWorldOpenRuleId"],
            value: "none",
            source: `ec2:DescribeSecurityGroupRules ${group}: no world-open rule reaches ${port}`,
        });
    } else {
        const ids = reaching.map((r) => `${r.SecurityGroupRuleId} (${portsText(r)} from ${r.CidrIpv4 ?? r.CidrIpv6})`).join(", ");
        d.open.push({
            key,
            reason: `${group} admits ${port} from the world only through ${ids}, which the program cannot adopt as "tcp ${port} from 0.0.0.0/0" without changing it, and "none" would be untrue; delete or narrow those rules by hand, then run discover again`,
            confirm:
                `aws ec2 describe-security-group-rules --region ${session.account.region} --filters Name=group-id,Values=${group} ` +
                `--query "SecurityGroupRules[?!IsEgress && (CidrIpv4=='0.0.0.0/0' || CidrIpv6=='::/0')].[SecurityGroupRuleId,IpProtocol,FromPort,ToPort,CidrIpv4,CidrIpv6]" --output text`,
        });
    }
}

/**
 * The data stores' security groups: the adopted PostgreSQL group's rules (see adoptPostgresRules),
 * every world-open rule on it and on the ElastiCache group's groups (any port: a world-open 22
 * is as much a finding as 5432), the connector group's allow-all egress rule, then the
 * ElastiCache group's settings.
 */
export async function discoverDataStores(session: AccountSession, config: AppRunnerConfig, connectorSecurityGroupId: string | undefined): Promise<Discovery> {
    const d = emptyDiscovery();
    const adopt = config.adopt;
    if (adopt.postgresSecurityGroupId) {
        const group = adopt.postgresSecurityGroupId;
        const rules = await groupRules(session, [group]);
        adoptPostgresRules(d, session, config, group, rules, connectorSecurityGroupId ?? adopt.connectorSecurityGroupId);
    }

    const connectorGroup = connectorSecurityGroupId ?? adopt.connectorSecurityGroupId;
    if (connectorGroup) {
        const allEgress = (await groupRules(session, [connectorGroup])).find((r) => r.IsEgress && r.IpProtocol === "-1" && r.CidrIpv4 === "0.0.0.0/0");
        d.changes.push({
            part: "appRunner",
            path: ["adopt", "connectorEgressRuleId"],
            value: allEgress?.SecurityGroupRuleId ?? "create",
            source: `ec2:DescribeSecurityGroupRules ${connectorGroup}: ${allEgress ? "all traffic to 0.0.0.0/0" : "no allow-all egress rule"}`,
        });
    }

    if (config.dataStores.redisReplicationGroupId) {
        const id = config.dataStores.redisReplicationGroupId;
        const cache = new ElastiCacheClient(session.clientConfig);
        const groups = await call(
            session,
            "elasticache:DescribeReplicationGroups",
            () => cache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id })),
            ["ReplicationGroupNotFoundFault", "ReplicationGroupNotFound"],
        );
        const group = groups?.ReplicationGroups?.[0];
        if (!group) {
            d.checks.push({ level: "fail", message: `appRunner.dataStores.redisReplicationGroupId ${id}: no such replication group` });
            return d;
        }
        const member = group.MemberClusters?.[0];
        const clusters = member
            ? await call(session, "elasticache:DescribeCacheClusters", () => cache.send(new DescribeCacheClustersCommand({ CacheClusterId: member })), [
                  "CacheClusterNotFoundFault",
                  "CacheClusterNotFound",
              ])
            : undefined;
        const cluster = clusters?.CacheClusters?.[0];
        const cacheGroups = (cluster?.SecurityGroups ?? []).map((g) => g.SecurityGroupId).filter((g): g is string => !!g);
        const groupsText = cacheGroups.join(", ") || "unknown";
        const unread = cacheGroups.filter((g) => g !== adopt.postgresSecurityGroupId);
        if (unread.length) {
            const rules = await groupRules(session, unread);
            for (const g of unread)
                reportWorldOpen(
                    d,
                    g,
                    rules,
                    [config.dataStores.redisPort],
                    () =>
                        `the program does not declare it; harden moves ${id} to a group of its own, so delete the rule by hand if anything else still uses ${g}`,
                );
        }
        d.checks.push(
            group.Status === "available"
                ? { level: "ok", message: `ElastiCache ${id} is available` }
                : { level: "fail", message: `ElastiCache ${id} is ${group.Status}; wait until it is available` },
        );
        d.facts.push(
            `ElastiCache ${id}: node type ${group.CacheNodeType ?? cluster?.CacheNodeType ?? "unknown"}, ${group.MemberClusters?.length ?? 0} node(s), ` +
                `automatic failover ${group.AutomaticFailover ?? "unknown"}, Multi-AZ ${group.MultiAZ ?? "unknown"}, snapshot retention ${group.SnapshotRetentionLimit ?? 0} day(s), ` +
                `transit encryption ${group.TransitEncryptionEnabled ? "on" : "off"}, at-rest encryption ${group.AtRestEncryptionEnabled ? "on" : "off"}, ` +
                `subnet group ${cluster?.CacheSubnetGroupName ?? "unknown"}, security groups ${groupsText}`,
        );
    }
    return d;
}
