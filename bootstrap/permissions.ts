import { PolicyDocument } from "./trust";

/**
 * What the CI roles may do. Preview roles read (and decrypt state); deploy roles also write, but
 * only the resource types the program manages, IAM only on the roles it names, PassRole only to
 * the services that use those roles, and only in the stack's region.
 */

/** Logical-name prefixes of the roles the program creates (index.ts: "app", "workloads"); autonaming keeps them. */
export const PROGRAM_ROLE_PREFIX = { apprunner: "app-", ecs: "workloads-" } as const;

/**
 * The program stores each `secretValues` entry as `<service name>/<NAME>` (components/secretStore.ts): the
 * service names of Pulumi.prod.yaml. The deploy role manages only those secrets; no CI role reads others.
 */
export const STORED_SECRET_PREFIX = { apprunner: "nerava-backend/", ecs: "sandbox-broker/" } as const;

/** Metadata only: what a preview needs to look secrets up by name (`aws.secretsmanager.getSecret`), never a value. */
const SECRET_METADATA = ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds"];
/** What pulumi-aws calls to create, update, read back and delete a secret and its versions. */
const SECRET_WRITE = [
    ...SECRET_METADATA,
    "secretsmanager:CreateSecret",
    "secretsmanager:UpdateSecret",
    "secretsmanager:DeleteSecret",
    "secretsmanager:PutSecretValue",
    "secretsmanager:GetSecretValue",
    "secretsmanager:UpdateSecretVersionStage",
    "secretsmanager:TagResource",
    "secretsmanager:UntagResource",
];
const secretsIn = (scope: AccountScope, name: string) => `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:${name}`;

export interface AccountScope {
    readonly accountId: string;
    readonly region: string;
}

export interface StateBackend {
    readonly bucket: string;
    readonly kmsKeyArn: string;
}

const inRegion = (scope: AccountScope) => ({ StringEquals: { "aws:RequestedRegion": scope.region } });

const APPRUNNER_READ = [
    "apprunner:Describe*",
    "apprunner:List*",
    "ec2:Describe*",
    "elasticache:Describe*",
    "elasticache:ListTagsForResource",
    "logs:DescribeLogGroups",
    "logs:ListTagsForResource",
];
const ECS_READ = ["ecs:Describe*", "ecs:List*", "ec2:Describe*", "logs:DescribeLogGroups", "logs:ListTagsForResource"];
const IAM_READ = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole"];

const SECURITY_GROUP_WRITE = [
    "ec2:CreateSecurityGroup",
    "ec2:DeleteSecurityGroup",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:AuthorizeSecurityGroupEgress",
    "ec2:RevokeSecurityGroupIngress",
    "ec2:RevokeSecurityGroupEgress",
    "ec2:ModifySecurityGroupRules",
    "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
    "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
    "ec2:CreateTags",
    "ec2:DeleteTags",
];
const APPRUNNER_WRITE = [
    ...SECURITY_GROUP_WRITE,
    // NAT egress, and the greenfield VPC awsx builds
    "ec2:AllocateAddress",
    "ec2:ReleaseAddress",
    "ec2:CreateNatGateway",
    "ec2:DeleteNatGateway",
    "ec2:CreateRouteTable",
    "ec2:DeleteRouteTable",
    "ec2:CreateRoute",
    "ec2:ReplaceRoute",
    "ec2:DeleteRoute",
    "ec2:AssociateRouteTable",
    "ec2:DisassociateRouteTable",
    "ec2:ReplaceRouteTableAssociation",
    "ec2:CreateVpc",
    "ec2:DeleteVpc",
    "ec2:ModifyVpcAttribute",
    "ec2:CreateSubnet",
    "ec2:DeleteSubnet",
    "ec2:ModifySubnetAttribute",
    "ec2:CreateInternetGateway",
    "ec2:AttachInternetGateway",
    "ec2:DetachInternetGateway",
    "ec2:DeleteInternetGateway",
    "apprunner:CreateService",
    "apprunner:UpdateService",
    "apprunner:DeleteService",
    "apprunner:CreateVpcConnector",
    "apprunner:DeleteVpcConnector",
    "apprunner:CreateAutoScalingConfiguration",
    "apprunner:DeleteAutoScalingConfiguration",
    "apprunner:TagResource",
    "apprunner:UntagResource",
    "elasticache:ModifyReplicationGroup",
    "elasticache:AddTagsToResource",
    "elasticache:RemoveTagsFromResource",
];
const ECS_WRITE = [
    ...SECURITY_GROUP_WRITE,
    "ecs:CreateCluster",
    "ecs:DeleteCluster",
    "ecs:CreateService",
    "ecs:UpdateService",
    "ecs:DeleteService",
    "ecs:RegisterTaskDefinition",
    "ecs:DeregisterTaskDefinition",
    "ecs:TagResource",
    "ecs:UntagResource",
    "logs:CreateLogGroup",
    "logs:DeleteLogGroup",
    "logs:PutRetentionPolicy",
    "logs:DeleteRetentionPolicy",
    "logs:TagResource",
    "logs:UntagResource",
    "logs:TagLogGroup",
];
const ROLE_WRITE = [
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:UpdateRole",
    "iam:UpdateRoleDescription",
    "iam:UpdateAssumeRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
];

const SYSTEMS = {
    apprunner: {
        read: APPRUNNER_READ,
        write: APPRUNNER_WRITE,
        managedPolicies: ["arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess"],
        passedTo: ["apprunner.amazonaws.com", "build.apprunner.amazonaws.com", "tasks.apprunner.amazonaws.com"],
        linkedServices: ["apprunner.amazonaws.com"],
    },
    ecs: {
        read: ECS_READ,
        write: ECS_WRITE,
        managedPolicies: ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"],
        passedTo: ["ecs-tasks.amazonaws.com"],
        linkedServices: ["ecs.amazonaws.com"],
    },
} as const;

export type System = keyof typeof SYSTEMS;

function stateStatements(state: StateBackend | undefined, write: boolean): Record<string, unknown>[] {
    if (!state) return [];
    return [
        { Sid: "StateList", Effect: "Allow", Action: "s3:ListBucket", Resource: `arn:aws:s3:::${state.bucket}` },
        {
            Sid: "StateObjects",
            Effect: "Allow",
            Action: write ? ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"] : "s3:GetObject",
            Resource: `arn:aws:s3:::${state.bucket}/*`,
        },
        {
            Sid: "StateSecrets",
            Effect: "Allow",
            Action: write ? ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"] : "kms:Decrypt",
            Resource: state.kmsKeyArn,
        },
    ];
}

/** Read-only: describe what the program manages and imports; read and decrypt state. No write, no secret values. */
export function previewPolicy(system: System, scope: AccountScope, options: { state?: StateBackend; assumeRoleArn?: string } = {}): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            { Sid: "Read", Effect: "Allow", Action: [...SYSTEMS[system].read], Resource: "*", Condition: inRegion(scope) },
            { Sid: "ReadRoles", Effect: "Allow", Action: IAM_READ, Resource: `arn:aws:iam::${scope.accountId}:role/*` },
            { Sid: "SecretMetadata", Effect: "Allow", Action: SECRET_METADATA, Resource: secretsIn(scope, "*") },
            ...stateStatements(options.state, false),
            ...(options.assumeRoleArn ? [{ Sid: "OtherAccount", Effect: "Allow", Action: "sts:AssumeRole", Resource: options.assumeRoleArn }] : []),
        ],
    };
}

/** Read plus the writes the program makes, scoped as tightly as the APIs allow. */
export function deployPolicy(system: System, scope: AccountScope, options: { state?: StateBackend; assumeRoleArn?: string } = {}): PolicyDocument {
    const spec = SYSTEMS[system];
    const programRoles = `arn:aws:iam::${scope.accountId}:role/${PROGRAM_ROLE_PREFIX[system]}*`;
    const preview = previewPolicy(system, scope, options);
    return {
        Version: "2012-10-17",
        Statement: [
            ...preview.Statement.filter((s) => !String(s.Sid).startsWith("State")),
            { Sid: "Write", Effect: "Allow", Action: [...spec.write], Resource: "*", Condition: inRegion(scope) },
            { Sid: "ProgramRoles", Effect: "Allow", Action: ROLE_WRITE, Resource: programRoles },
            // AWS appends `-` and six characters to a secret's name in its ARN.
            { Sid: "StoredSecrets", Effect: "Allow", Action: SECRET_WRITE, Resource: secretsIn(scope, `${STORED_SECRET_PREFIX[system]}*`) },
            {
                Sid: "ProgramRolePolicies",
                Effect: "Allow",
                Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
                Resource: programRoles,
                Condition: { ArnEquals: { "iam:PolicyARN": [...spec.managedPolicies] } },
            },
            {
                Sid: "PassRoles",
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: `arn:aws:iam::${scope.accountId}:role/*`,
                Condition: { StringEquals: { "iam:PassedToService": [...spec.passedTo] } },
            },
            {
                Sid: "ServiceLinkedRoles",
                Effect: "Allow",
                Action: "iam:CreateServiceLinkedRole",
                Resource: "*",
                Condition: { StringEquals: { "iam:AWSServiceName": [...spec.linkedServices] } },
            },
            ...stateStatements(options.state, true),
        ],
    };
}
