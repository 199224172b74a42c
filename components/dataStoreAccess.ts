import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { adoptOptions } from "./adopt";

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
    readonly adopt?: {
        /** The RDS instance's existing security group (the seeds' sg-0e4cc786d9053f05f). */
        readonly postgresSecurityGroupId?: string;
        /** Existing rule ids (sgr-…) on that group, by source name, so they are imported, not duplicated. */
        readonly postgresIngressRuleIds?: Readonly<Record<string, string>>;
        /** The ElastiCache replication group to move out of the default security group. */
        readonly redisReplicationGroupId?: string;
    };
}

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
    for (const sourceName of Object.keys(args.adopt?.postgresIngressRuleIds ?? {})) {
        if (!names.includes(sourceName)) problems.push(`\`adopt.postgresIngressRuleIds.${sourceName}\` names no source; sources are ${names.join(", ")}`);
    }
    return problems;
}

/**
 * PostgreSQL and Redis reachable only from named security groups, one rule resource per
 * source. Rules are standalone `aws.vpc.SecurityGroupIngressRule`s and the groups carry no
 * inline rules, so the two styles never fight over the same group.
 */
export class DataStoreAccess extends pulumi.ComponentResource {
    public readonly postgresSecurityGroupId: pulumi.Output<string>;
    public readonly redisSecurityGroupId: pulumi.Output<string>;

    constructor(name: string, args: DataStoreAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("egress-remediation:data:DataStoreAccess", name, {}, opts);
        const problems = dataStoreAccessProblems(args);
        if (problems.length > 0) throw new Error(`DataStoreAccess ${name}: ${problems.join("; ")}`);
        const adopt = args.adopt ?? {};

        const postgresSg = new aws.ec2.SecurityGroup(
            `${name}-postgres-sg`,
            { vpcId: args.vpcId, description: "PostgreSQL: only from named security groups", tags: { Name: `${name}-postgres-sg` } },
            adoptOptions(this, adopt.postgresSecurityGroupId, ["name", "description", "tags"]),
        );
        const redisSg = new aws.ec2.SecurityGroup(
            `${name}-redis-sg`,
            { vpcId: args.vpcId, description: "Redis: only from named security groups", tags: { Name: `${name}-redis-sg` } },
            { parent: this },
        );
        const stores = [
            { store: "postgres", sg: postgresSg, port: args.postgresPort ?? 5432, importIds: adopt.postgresIngressRuleIds ?? {} },
            { store: "redis", sg: redisSg, port: args.redisPort ?? 6379, importIds: {} as Readonly<Record<string, string>> },
        ];
        // Who may connect: security groups by reference, CIDRs (only those configured) by family.
        const peers = [
            ...Object.entries(args.sources).map(([sourceName, id]) => ({ sourceName, peer: { referencedSecurityGroupId: id } })),
            ...Object.entries(args.cidrSources ?? {}).map(([sourceName, cidr]) => ({
                sourceName,
                peer: cidr.includes(":") ? { cidrIpv6: cidr } : { cidrIpv4: cidr },
            })),
        ];
        for (const { store, sg, port, importIds } of stores) {
            for (const { sourceName, peer } of peers) {
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-${store}-from-${sourceName}`,
                    { securityGroupId: sg.id, ...peer, ipProtocol: "tcp", fromPort: port, toPort: port, description: `${store} from ${sourceName}` },
                    adoptOptions(this, importIds[sourceName], ["description"]),
                );
            }
        }

        if (adopt.redisReplicationGroupId) {
            // Adopted to move it out of the VPC's default security group; only the groups change.
            new aws.elasticache.ReplicationGroup(
                `${name}-redis`,
                { replicationGroupId: adopt.redisReplicationGroupId, description: "adopted", securityGroupIds: [redisSg.id] },
                adoptOptions(this, adopt.redisReplicationGroupId, ["description", "tags"]),
            );
        }

        this.postgresSecurityGroupId = postgresSg.id;
        this.redisSecurityGroupId = redisSg.id;
        this.registerOutputs({ postgresSecurityGroupId: this.postgresSecurityGroupId, redisSecurityGroupId: this.redisSecurityGroupId });
    }
}
