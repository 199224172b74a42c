import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { keptResourceOptions, usedByKeptOptions } from "./adopt";
import { INGRESS_RULE, REPLICATION_GROUP, SECURITY_GROUP } from "./liveProperties";

export interface DataStoreAccessArgs {
    readonly vpcId: pulumi.Input<string>;
    /** @default 5432 */
    readonly postgresPort?: number;
    /** @default 6379 */
    readonly redisPort?: number;
    /**
     * Security groups allowed to reach both stores, by a short name used in rule names
     * (e.g. `connector`, `ecs-tasks`). CIDRs only through `cidrSources`, never by default.
     */
    readonly sources: Readonly<Record<string, pulumi.Input<string>>>;
    /**
     * CIDR sources by name (a VPN or peered range), one rule per store and CIDR. Empty by
     * default; the policy pack, not this component, blocks any that reach the whole internet.
     * @default {}
     */
    readonly cidrSources?: Readonly<Record<string, string>>;
    /**
     * The live ElastiCache replication group to move out of the default security group. It is
     * always imported by this id (this program never creates one); once in state that is a no-op.
     */
    readonly redisReplicationGroupId?: string;
    readonly adopt?: {
        /** The RDS instance's existing security group (the seeds' sg-0e4cc786d9053f05f). */
        readonly postgresSecurityGroupId?: string;
        /**
         * By source name: the existing rule's id (`sgr-…`) on that group, imported rather than
         * duplicated, or `create` once confirmed absent.
         */
        readonly postgresIngressRuleIds?: Readonly<Record<string, string>>;
        /**
         * The group's live world-open PostgreSQL rule (`sgr-…`). Declared only while adopting (`asLive`), as a
         * visible resource of its own, so it passes the pack only through a recorded exemption; `harden` no
         * longer declares it, so that update deletes it, after the scoped rules exist.
         */
        readonly postgresWorldOpenRuleId?: string;
    };
    /**
     * The `adopt` stage: import the live groups, rules and replication group as they are and create
     * nothing: no Redis group, no new rules, Redis stays in its group until `harden`.
     * @default false
     */
    readonly asLive?: boolean;
}

/** The name of the adopted world-open rule's resource (its URN ends in it; exemptions name that URN). */
export const WORLD_OPEN_RULE_NAME = "postgres-world-open";

export function dataStoreAccessProblems(args: DataStoreAccessArgs): string[] {
    const problems: string[] = [];
    const names = Object.keys(args.sources);
    if (names.length === 0) problems.push("`sources` must name at least one security group");
    for (const sourceName of [...names, ...Object.keys(args.cidrSources ?? {})]) {
        if (!/^[a-z0-9-]+$/.test(sourceName)) problems.push(`source name "${sourceName}" must be lowercase letters, digits and -`);
    }
    for (const sourceName of Object.keys(args.cidrSources ?? {})) {
        if (names.includes(sourceName)) problems.push(`source name "${sourceName}" is used for both a security group and a CIDR`);
    }
    const allSources = [...names, ...Object.keys(args.cidrSources ?? {})];
    for (const sourceName of Object.keys(args.adopt?.postgresIngressRuleIds ?? {})) {
        if (!allSources.includes(sourceName))
            problems.push(`\`adopt.postgresIngressRuleIds.${sourceName}\` names no source; sources are ${allSources.join(", ")}`);
    }
    return problems;
}

/**
 * PostgreSQL and Redis reachable only from named security groups, one rule per source. The
 * adopted RDS group's rules are standalone `aws.vpc.SecurityGroupIngressRule`s (they are imported one
 * by one) and that group carries no inline rules; the Redis group, this program's own, carries its
 * rules inline. Each group uses one style only, so the two never fight over a group.
 */
export class DataStoreAccess extends pulumi.ComponentResource {
    public readonly postgresSecurityGroupId: pulumi.Output<string>;
    /** Undefined while adopting: Redis stays in its live group until `harden`. */
    public readonly redisSecurityGroupId?: pulumi.Output<string>;

    constructor(name: string, args: DataStoreAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-remediation:data:DataStoreAccess", name, {}, opts);
        const problems = dataStoreAccessProblems(args);
        if (problems.length > 0) throw new Error(`DataStoreAccess ${name}: ${problems.join("; ")}`);
        const adopt = args.adopt ?? {};

        const postgresSg = new aws.ec2.SecurityGroup(
            `${name}-postgres-sg`,
            { vpcId: args.vpcId, description: "PostgreSQL: only from named security groups", tags: { Name: `${name}-postgres-sg` } },
            keptResourceOptions(this, { importId: adopt.postgresSecurityGroupId, properties: SECURITY_GROUP }),
        );
        // Who may connect: security groups by reference, CIDRs (only those configured) by family.
        const peers = [
            ...Object.entries(args.sources).map(([sourceName, id]) => ({ sourceName, peer: { referencedSecurityGroupId: id } })),
            ...Object.entries(args.cidrSources ?? {}).map(([sourceName, cidr]) => ({
                sourceName,
                peer: cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr },
            })),
        ];
        const rule = (store: string, sg: aws.ec2.SecurityGroup, port: number, sourceName: string, peer: object, opts: pulumi.CustomResourceOptions) =>
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${store}-from-${sourceName}`,
                { securityGroupId: sg.id, ...peer, ipProtocol: "tcp", fromPort: port, toPort: port, description: `${store} from ${sourceName}` },
                opts,
            );
        // Rules on the RDS group keep the database reachable: kept like the group itself. Adopting imports
        // the ones that exist and creates none.
        for (const { sourceName, peer } of peers) {
            const ruleId = adopt.postgresIngressRuleIds?.[sourceName];
            const importId = ruleId === "create" ? undefined : ruleId;
            if (args.asLive && !importId) continue;
            rule("postgres", postgresSg, args.postgresPort ?? 5432, sourceName, peer, keptResourceOptions(this, { importId, properties: INGRESS_RULE }));
        }
        const worldOpenId = adopt.postgresWorldOpenRuleId;
        if (args.asLive && worldOpenId?.startsWith("sgr-")) this.adoptWorldOpenRule(name, postgresSg.id, args.postgresPort ?? 5432, worldOpenId);

        this.postgresSecurityGroupId = postgresSg.id;
        if (args.asLive) {
            if (args.redisReplicationGroupId) {
                new aws.elasticache.ReplicationGroup(
                    `${name}-redis`,
                    { replicationGroupId: args.redisReplicationGroupId, description: "adopted" },
                    keptResourceOptions(this, { importId: args.redisReplicationGroupId, properties: REPLICATION_GROUP, asLive: true }),
                );
            }
            this.registerOutputs({ postgresSecurityGroupId: this.postgresSecurityGroupId });
            return;
        }

        // Redis's group is this program's own, so its rules are inline: removing a source is an update that
        // revokes it, while a step back to `adopt` retains the group with its rules (Redis keeps its group).
        const redisPort = args.redisPort ?? 6379;
        const redisSg = new aws.ec2.SecurityGroup(
            `${name}-redis-sg`,
            {
                vpcId: args.vpcId,
                description: "Redis: only from named security groups",
                ingress: peers.map(({ sourceName, peer }) => ({
                    ...inlinePeer(peer),
                    protocol: "tcp",
                    fromPort: redisPort,
                    toPort: redisPort,
                    description: `redis from ${sourceName}`,
                })),
                tags: { Name: `${name}-redis-sg` },
            },
            usedByKeptOptions(this),
        );
        if (args.redisReplicationGroupId) {
            // Moves into its own group only once that group's rules exist, so access never lapses.
            new aws.elasticache.ReplicationGroup(
                `${name}-redis`,
                { replicationGroupId: args.redisReplicationGroupId, description: "adopted", securityGroupIds: [redisSg.id], applyImmediately: true },
                keptResourceOptions(this, { importId: args.redisReplicationGroupId, properties: REPLICATION_GROUP }),
            );
        }
        this.redisSecurityGroupId = redisSg.id;
        this.registerOutputs({ postgresSecurityGroupId: this.postgresSecurityGroupId, redisSecurityGroupId: this.redisSecurityGroupId });
    }

    /**
     * Declared only while the rule exists in AWS (a lookup by id): after `harden` deleted it, going back to
     * `adopt` (a rollback to the previous commit) neither re-creates it nor fails to import a missing id.
     * Unprotected, so the update that stops declaring it deletes it.
     */
    private adoptWorldOpenRule(name: string, groupId: pulumi.Input<string>, port: number, ruleId: string): void {
        const live = aws.vpc.getSecurityGroupRulesOutput({ filters: [{ name: "security-group-rule-id", values: [ruleId] }] }, { parent: this });
        live.ids.apply((ids) => {
            if (!ids.includes(ruleId)) return;
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${WORLD_OPEN_RULE_NAME}`,
                { securityGroupId: groupId, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: "0.0.0.0/0" },
                { parent: this, import: ruleId, ignoreChanges: [...INGRESS_RULE.leftAlone] },
            );
        });
    }
}

/** A standalone rule's peer in the inline block's terms (lists of CIDRs and groups). */
function inlinePeer(peer: { referencedSecurityGroupId?: pulumi.Input<string>; cidrIpv4?: string; cidrIpv6?: string }) {
    if (peer.referencedSecurityGroupId) return { securityGroups: [peer.referencedSecurityGroupId] };
    return peer.cidrIpv6 ? { ipv6CidrBlocks: [peer.cidrIpv6] } : { cidrBlocks: [peer.cidrIpv4!] };
}
