/**
 * Every AWS API action discover and verify call: all of them read-only. The README's policy document
 * is `readOnlyPolicy()` printed as JSON, and `call()` accepts only these names, so a new call that is
 * missing here does not compile.
 */
export const IAM_ACTIONS = [
    "sts:GetCallerIdentity",
    "ec2:DescribeSubnets",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroupRules",
    "elasticache:DescribeReplicationGroups",
    "elasticache:DescribeCacheClusters",
    "secretsmanager:DescribeSecret",
    "apprunner:ListServices",
    "apprunner:DescribeService",
    "apprunner:ListOperations",
    "apprunner:ListVpcConnectors",
    "ecs:DescribeServices",
    "ecs:DescribeTaskDefinition",
    "logs:DescribeLogGroups",
    "ecr:DescribeImages",
    // verify: the NAT gateways the connector subnets route to, and the data stores' groups (their Name tags)
    "ec2:DescribeNatGateways",
    "ec2:DescribeSecurityGroups",
] as const;

export type IamAction = (typeof IAM_ACTIONS)[number];

/** A policy document granting exactly the actions above (none of them reads a secret's value). */
export function readOnlyPolicy(): { Version: string; Statement: { Sid: string; Effect: "Allow"; Action: string[]; Resource: string }[] } {
    return {
        Version: "2012-10-17",
        Statement: [{ Sid: "EgressRemediationDiscoverReadOnly", Effect: "Allow", Action: [...IAM_ACTIONS].sort(), Resource: "*" }],
    };
}
