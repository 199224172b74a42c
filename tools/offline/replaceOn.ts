/**
 * Properties whose change makes AWS replace the resource (ForceNew in the provider schema),
 * for the types this program declares. Task definitions are immutable: any change is a new revision.
 * The offline plan and the simulated AWS provider share this table.
 */
export const REPLACE_ON: Readonly<Record<string, readonly string[] | "*">> = {
    "aws:ec2/natGateway:NatGateway": ["subnetId", "allocationId", "connectivityType"],
    "aws:ec2/routeTable:RouteTable": ["vpcId"],
    "aws:ec2/route:Route": ["routeTableId", "destinationCidrBlock"],
    "aws:ec2/routeTableAssociation:RouteTableAssociation": ["subnetId"],
    "aws:ec2/securityGroup:SecurityGroup": ["name", "description", "vpcId"],
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": ["securityGroupId"],
    "aws:apprunner/vpcConnector:VpcConnector": ["vpcConnectorName", "subnets", "securityGroups"],
    "aws:apprunner/service:Service": ["serviceName"],
    "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion": "*",
    "aws:ecs/taskDefinition:TaskDefinition": "*",
    "aws:ecs/service:Service": ["name", "cluster", "launchType"],
    "aws:ecs/cluster:Cluster": ["name"],
    "aws:cloudwatch/logGroup:LogGroup": ["name"],
    "aws:elasticache/replicationGroup:ReplicationGroup": ["replicationGroupId"],
    "aws:iam/role:Role": ["name"],
    "aws:iam/rolePolicy:RolePolicy": ["role", "name"],
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": ["role", "policyArn"],
};

/** The changed keys that force a replacement of a resource of this type. */
export function replacingKeys(type: string, keys: readonly string[]): string[] {
    const rule = REPLACE_ON[type];
    return rule === "*" ? [...keys] : keys.filter((k) => (rule ?? []).includes(k));
}

export function forcesReplacement(type: string, keys: readonly string[]): boolean {
    return replacingKeys(type, keys).length > 0;
}
