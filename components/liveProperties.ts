/**
 * For each type this program adopts, every input property of the pulumi-aws resource is either
 * declared by the program (from stack config, equal to the live value) or deliberately left as it
 * is live (`ignoreChanges`). An input left unset is not "left alone": where the provider has a
 * default or the field is optional and not computed, an update resets the live value. The tests
 * check each table against the provider SDK's own list of inputs, so an upgrade that adds one
 * fails until it is classified here.
 */
export interface LiveProperties {
    readonly type: string;
    readonly declared: readonly string[];
    readonly leftAlone: readonly string[];
    /**
     * What the `adopt` stage declares: the resource's identity, equal to the live value. Every other
     * declared input is kept as it is live until `harden`, so adopting changes nothing but tags.
     * @default declared (the program sets nothing that could differ from the live value)
     */
    readonly identity?: readonly string[];
    /** Optional and computed inputs the program leaves unset, which keeps their live value without ignoring it. */
    readonly unsetKeepsLive?: readonly string[];
}

/** What an adopted resource leaves as it is live at the `adopt` stage: all but its identity (and region). */
export function leftAloneWhileAdopting(properties: LiveProperties): string[] {
    const identity = properties.identity ?? properties.declared;
    return [...properties.declared.filter((key) => key !== PROVIDER_REGION && !identity.includes(key)), ...properties.leftAlone];
}

/** `region` comes from the explicit per-account provider, so it is declared everywhere. */
const PROVIDER_REGION = "region";

export const SECURITY_GROUP: LiveProperties = {
    type: "aws:ec2/securityGroup:SecurityGroup",
    declared: ["vpcId", PROVIDER_REGION],
    // Hand-chosen names and descriptions force a replacement when changed. `ingress` and `egress` are not
    // ignored: they are optional and computed, so leaving them unset keeps the live rules, while ignoring
    // them would copy the imported rules into the goal (the engine's processIgnoreChanges), where the
    // pack would judge a world-open rule the program never declares. Standalone rules manage them.
    leftAlone: ["name", "namePrefix", "description", "tags", "revokeRulesOnDelete"],
    unsetKeepsLive: ["ingress", "egress"],
};

const RULE_DECLARED = [
    "securityGroupId",
    "ipProtocol",
    "fromPort",
    "toPort",
    "referencedSecurityGroupId",
    "cidrIpv4",
    "cidrIpv6",
    "prefixListId",
    PROVIDER_REGION,
];
export const INGRESS_RULE: LiveProperties = {
    type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    declared: RULE_DECLARED,
    leftAlone: ["description", "tags"],
};
export const EGRESS_RULE: LiveProperties = {
    type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    declared: RULE_DECLARED,
    leftAlone: ["description", "tags"],
};

export const VPC_CONNECTOR: LiveProperties = {
    type: "aws:apprunner/vpcConnector:VpcConnector",
    declared: ["vpcConnectorName", "subnets", "securityGroups", PROVIDER_REGION],
    leftAlone: ["tags"],
};

export const APP_RUNNER_SERVICE: LiveProperties = {
    type: "aws:apprunner/service:Service",
    // autoScalingConfigurationArn is declared only when auto scaling is configured (see the component).
    declared: [
        "serviceName",
        "sourceConfiguration",
        "instanceConfiguration",
        "healthCheckConfiguration",
        "networkConfiguration",
        "autoScalingConfigurationArn",
        PROVIDER_REGION,
    ],
    // encryptionConfiguration forces a replacement: the live KMS key, if any, stays.
    leftAlone: ["encryptionConfiguration", "observabilityConfiguration", "tags"],
    identity: ["serviceName"],
};

export const REPLICATION_GROUP: LiveProperties = {
    type: "aws:elasticache/replicationGroup:ReplicationGroup",
    // Only the security groups change (out of the VPC's default group); applied now, not at the
    // next maintenance window, once the new group's rules exist.
    declared: ["replicationGroupId", "securityGroupIds", "applyImmediately", PROVIDER_REGION],
    identity: ["replicationGroupId"],
    leftAlone: [
        "description",
        "engine",
        "engineVersion",
        "nodeType",
        "port",
        "parameterGroupName",
        "subnetGroupName",
        "securityGroupNames",
        "numCacheClusters",
        "numNodeGroups",
        "replicasPerNodeGroup",
        "nodeGroupConfigurations",
        "preferredCacheClusterAzs",
        "clusterMode",
        "automaticFailoverEnabled",
        "multiAzEnabled",
        "dataTieringEnabled",
        "durability",
        "atRestEncryptionEnabled",
        "transitEncryptionEnabled",
        "transitEncryptionMode",
        "kmsKeyId",
        "authToken",
        "authTokenWo",
        "authTokenWoVersion",
        "authTokenUpdateStrategy",
        "userGroupIds",
        "autoMinorVersionUpgrade",
        "maintenanceWindow",
        "snapshotRetentionLimit",
        "snapshotWindow",
        "snapshotArns",
        "snapshotName",
        "finalSnapshotIdentifier",
        "notificationTopicArn",
        "logDeliveryConfigurations",
        "globalReplicationGroupId",
        "ipDiscovery",
        "networkType",
        "tags",
    ],
};

export const ECS_SERVICE: LiveProperties = {
    type: "aws:ecs/service:Service",
    declared: [
        "name",
        "cluster",
        "taskDefinition",
        "desiredCount",
        "launchType",
        "capacityProviderStrategies",
        "networkConfiguration",
        "loadBalancers",
        "healthCheckGracePeriodSeconds",
        "deploymentCircuitBreaker",
        "deploymentMinimumHealthyPercent",
        "deploymentMaximumPercent",
        "waitForSteadyState",
        PROVIDER_REGION,
    ],
    identity: ["name", "cluster"],
    // iamRole and schedulingStrategy force a replacement (tools/offline/replaceOn.ts); the others are
    // settings the seeds do not record, kept as they are live.
    leftAlone: [
        "deploymentController",
        "deploymentConfiguration",
        "iamRole",
        "schedulingStrategy",
        "platformVersion",
        "placementConstraints",
        "orderedPlacementStrategies",
        "serviceRegistries",
        "serviceConnectConfiguration",
        "volumeConfiguration",
        "vpcLatticeConfigurations",
        "alarms",
        "availabilityZoneRebalancing",
        "enableEcsManagedTags",
        "enableExecuteCommand",
        "propagateTags",
        "forceDelete",
        "forceNewDeployment",
        "sigintRollback",
        "triggers",
        "tags",
    ],
};

export const LOG_GROUP: LiveProperties = {
    type: "aws:cloudwatch/logGroup:LogGroup",
    declared: ["name", "retentionInDays", PROVIDER_REGION],
    identity: ["name"],
    // logGroupClass forces a replacement; kmsKeyId is associated in place but is not the program's to change.
    leftAlone: ["namePrefix", "kmsKeyId", "logGroupClass", "deletionProtectionEnabled", "skipDestroy", "tags"],
};

export const ALL_LIVE_PROPERTIES: readonly LiveProperties[] = [
    SECURITY_GROUP,
    INGRESS_RULE,
    EGRESS_RULE,
    VPC_CONNECTOR,
    APP_RUNNER_SERVICE,
    REPLICATION_GROUP,
    ECS_SERVICE,
    LOG_GROUP,
];
