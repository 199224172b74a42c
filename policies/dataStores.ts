import { ResourceValidationPolicy } from "@pulumi/policy";
import { asArray, forTypes, TYPES } from "./lib/resourceTypes";

export const rdsNotPubliclyAccessible: ResourceValidationPolicy = {
    name: "rds-not-publicly-accessible",
    description: "RDS instances and Aurora cluster instances must not be publicly accessible.",
    enforcementLevel: "mandatory",
    validateResource: forTypes([TYPES.rdsInstance, TYPES.rdsClusterInstance], (props, args, report) => {
        if (props.publiclyAccessible === true) {
            report(`${args.name} is publicly accessible; set publiclyAccessible: false and reach it through the VPC (connector or tasks security group).`);
        }
    }),
};

export interface DefaultSgConfig {
    defaultSecurityGroupIds: string[];
}

export const elasticacheNotInDefaultSecurityGroup: ResourceValidationPolicy = {
    name: "elasticache-not-in-default-security-group",
    description: "ElastiCache clusters and replication groups need a dedicated security group, not the VPC's default one.",
    enforcementLevel: "mandatory",
    configSchema: {
        properties: {
            defaultSecurityGroupIds: { type: "array", items: { type: "string" }, default: [], description: "Known default security group ids of your VPCs." },
        },
    },
    validateResource: forTypes([TYPES.elasticacheCluster, TYPES.elasticacheReplicationGroup], (props, args, report) => {
        if (args.type === TYPES.elasticacheCluster && props.replicationGroupId) args.notApplicable("security groups come from the replication group");
        const { defaultSecurityGroupIds } = args.getConfig<DefaultSgConfig>();
        const groups = asArray(props.securityGroupIds);
        if (groups.length === 0) {
            report(
                `${args.name} sets no securityGroupIds, so AWS places it in the VPC's default security group; give it a dedicated group that admits only the app's security groups.`,
            );
            return;
        }
        const defaults = groups.filter((id) => defaultSecurityGroupIds.includes(String(id)));
        if (defaults.length > 0) report(`${args.name} uses default security group ${defaults.join(", ")}; move it to a dedicated group.`);
    }),
};
