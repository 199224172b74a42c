import { DescribeSecurityGroupRulesCommand, EC2Client, SecurityGroupRule } from "@aws-sdk/client-ec2";
import { DescribeCacheClustersCommand, DescribeReplicationGroupsCommand, ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { AppRunnerConfig } from "../../config/schema";
import { worldOpenFamilies } from "../../policies/lib/cidr";
import { databasePortsIn, DEFAULT_DATABASE_PORT_LIST, describePort, portSpan } from "../../policies/lib/ports";
import { AccountSession, call } from "./aws";
import { Discovery, emptyDiscovery } from "./findings";

function portsText(rule: SecurityGroupRule): string {
    if (rule.IpProtocol === "-1") return "all traffic";
    return rule.FromPort === rule.ToPort ? `${rule.IpProtocol} ${rule.FromPort}` : `${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort}`;
}

/**
 * The rules `appRunner.adopt.postgresWorldOpenRuleId` can name (what its `confirm` command lists):
 * TCP ingress from IPv4 0.0.0.0/0 whose port range holds the PostgreSQL port. The program adopts
 * exactly one by id; an all-traffic rule (ports -1) is not among them.
 */
export function adoptableWorldOpenRules(ingress: readonly SecurityGroupRule[], port: number): SecurityGroupRule[] {
    return ingress.filter(
        (r) =>
            !r.IsEgress &&
            r.CidrIpv4 === "0.0.0.0/0" &&
            (r.IpProtocol === "tcp" || r.IpProtocol === "6") &&
            (r.FromPort ?? -1) <= port &&
            (r.ToPort ?? -1) >= port,
    );
}

/**
 * The adopted PostgreSQL group's rules: the `sgr-` id of the rule from the connector's group
 * (imported instead of duplicated), and its world-open PostgreSQL rule (adopted by id so the
 * harden stage deletes it). Then the ElastiCache group's settings.
 */
export async function discoverDataStores(session: AccountSession, config: AppRunnerConfig, connectorSecurityGroupId: string | undefined): Promise<Discovery> {
    const d = emptyDiscovery();
    const adopt = config.adopt;
    const port = config.dataStores.postgresPort;
    if (adopt.postgresSecurityGroupId) {
        const group = adopt.postgresSecurityGroupId;
        const ec2 = new EC2Client(session.clientConfig);
        const result = await call(session, "ec2:DescribeSecurityGroupRules", () =>
            ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [group] }] })),
        );
        const ingress = (result?.SecurityGroupRules ?? []).filter((r) => !r.IsEgress);
        const connectorGroup = connectorSecurityGroupId ?? adopt.connectorSecurityGroupId;
        const fromConnector = ingress.find(
            (r) =>
                r.ReferencedGroupInfo?.GroupId === connectorGroup &&
                (r.IpProtocol === "tcp" || r.IpProtocol === "6") &&
                r.FromPort === port &&
                r.ToPort === port,
        );
        if (fromConnector?.SecurityGroupRuleId) {
            d.changes.push({
                part: "appRunner",
                path: ["adopt", "postgresIngressRuleIds", "connector"],
                value: fromConnector.SecurityGroupRuleId,
                source: `ec2:DescribeSecurityGroupRules ${group}: tcp ${port} from ${connectorGroup}`,
            });
        } else {
            d.checks.push({
                level: "ok",
                message: `${group} has no rule for ${port} from ${connectorGroup ?? "the connector group"}; the first up creates it`,
            });
            d.changes.push({
                part: "appRunner",
                path: ["adopt", "postgresIngressRuleIds", "connector"],
                value: "create",
                source: `ec2:DescribeSecurityGroupRules ${group}: none`,
            });
        }
        const worldOpen = ingress.filter(
            (r) =>
                worldOpenFamilies([r.CidrIpv4, r.CidrIpv6].filter(Boolean)).length > 0 &&
                databasePortsIn(portSpan(r.IpProtocol, r.FromPort, r.ToPort), [port, ...DEFAULT_DATABASE_PORT_LIST]).length > 0,
        );
        const adoptable = adoptableWorldOpenRules(ingress, port);
        const adopted = adoptable.length === 1 ? adoptable[0] : undefined;
        for (const rule of worldOpen) {
            const ports = databasePortsIn(portSpan(rule.IpProtocol, rule.FromPort, rule.ToPort), [port]);
            const fate =
                rule === adopted
                    ? "the adopt stage imports it and the harden stage deletes it (docs/stages.md)"
                    : "the program does not declare it: delete it by hand after harden";
            d.checks.push({
                level: "warn",
                message: `world-open rule ${rule.SecurityGroupRuleId} on ${group}: ${portsText(rule)} from ${rule.CidrIpv4 ?? rule.CidrIpv6}${ports.length ? `, which reaches ${describePort(port)}` : ""}; ${fate}`,
            });
        }
        if (adopted?.SecurityGroupRuleId || adoptable.length === 0) {
            d.changes.push({
                part: "appRunner",
                path: ["adopt", "postgresWorldOpenRuleId"],
                value: adopted?.SecurityGroupRuleId ?? "none",
                source: `ec2:DescribeSecurityGroupRules ${group}: ${adopted ? `tcp ${port} from 0.0.0.0/0` : `no rule admits ${port} from 0.0.0.0/0`}`,
            });
        } else {
            d.checks.push({
                level: "fail",
                message: `${group} has ${adoptable.length} rules admitting ${port} from 0.0.0.0/0 (${adoptable.map((r) => r.SecurityGroupRuleId).join(", ")}); appRunner.adopt.postgresWorldOpenRuleId adopts one: delete the duplicates, then run discover again`,
            });
        }
        if (worldOpen.length === 0) d.checks.push({ level: "ok", message: `no world-open database rule on ${group}` });
    }

    const connectorGroup = connectorSecurityGroupId ?? adopt.connectorSecurityGroupId;
    if (connectorGroup) {
        const ec2 = new EC2Client(session.clientConfig);
        const result = await call(session, "ec2:DescribeSecurityGroupRules", () =>
            ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [connectorGroup] }] })),
        );
        const allEgress = (result?.SecurityGroupRules ?? []).find((r) => r.IsEgress && r.IpProtocol === "-1" && r.CidrIpv4 === "0.0.0.0/0");
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
        const groupsText = (cluster?.SecurityGroups ?? []).map((g) => g.SecurityGroupId).join(", ") || "unknown";
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
