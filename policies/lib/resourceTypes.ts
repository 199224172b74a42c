import { ResourceValidation, ResourceValidationArgs, ReportViolation } from "@pulumi/policy";

/** Type tokens the policies read. Tokens, not classes: the pack never loads @pulumi/aws. */
export const TYPES = {
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    managedPrefixList: "aws:ec2/managedPrefixList:ManagedPrefixList",
    managedPrefixListEntry: "aws:ec2/managedPrefixListEntry:ManagedPrefixListEntry",
    appRunnerService: "aws:apprunner/service:Service",
    vpcConnector: "aws:apprunner/vpcConnector:VpcConnector",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    routeTableAssociation: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    natGateway: "aws:ec2/natGateway:NatGateway",
    awsxVpc: "awsx:ec2:Vpc",
    rdsInstance: "aws:rds/instance:Instance",
    rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
    elasticacheCluster: "aws:elasticache/cluster:Cluster",
    elasticacheReplicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
    ecsService: "aws:ecs/service:Service",
    ecsTaskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

/**
 * A resource validation that runs only for the given type tokens, like the SDK's
 * validateResourceOfType but without importing the provider's classes (0.4 s each start).
 */
export function forTypes(
    types: readonly string[],
    validate: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
    const fn = (args: ResourceValidationArgs, report: ReportViolation) => {
        if (!types.includes(args.type)) args.notApplicable(`applies to ${types.join(", ")}`);
        validate(args.props, args, report);
    };
    // The engine skips a policy for other types when it carries __pulumiType (single type only);
    // the offline evaluator reads __resourceTypes the same way.
    return Object.assign(fn, types.length === 1 ? { __pulumiType: types[0] } : {}, { __resourceTypes: types });
}

/** The types a validation declared with forTypes, or undefined for "any type". */
export function declaredTypes(validation: unknown): readonly string[] | undefined {
    const marked = validation as { __resourceTypes?: readonly string[]; __pulumiType?: string } | undefined;
    return marked?.__resourceTypes ?? (marked?.__pulumiType ? [marked.__pulumiType] : undefined);
}

/** The proxy the engine wraps props in throws on unknown (preview-time) values; this returns undefined instead. */
export function known<T>(read: () => T): T | undefined {
    try {
        return read();
    } catch (error) {
        if ((error as Error)?.constructor?.name === "UnknownValueError") return undefined;
        throw error;
    }
}

export function asArray(value: unknown): unknown[] {
    return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}
