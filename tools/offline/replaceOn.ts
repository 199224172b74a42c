type Inputs = Readonly<Record<string, unknown>>;

/** When a top-level input forces a replacement of its resource. */
export interface ReplaceRule {
    /** Inputs whose every change replaces (ForceNew / RequiresReplace on the attribute or its block). */
    readonly always?: readonly string[];
    /** The resource is immutable: every input replaces except these (updated in place). */
    readonly allExcept?: readonly string[];
    /** Inputs that replace only when the provider's own condition on the old and new value holds. */
    readonly when?: Readonly<Record<string, (before: unknown, after: unknown) => boolean>>;
    /** Conditions the provider checks across inputs (a CustomizeDiff or ModifyPlan): the keys they replace. */
    readonly across?: (before: Inputs, after: Inputs, changed: readonly string[]) => readonly string[];
}

const isSet = (value: unknown): boolean => value !== undefined && value !== null && value !== "";
const isEmpty = (value: unknown): boolean => !isSet(value) || (Array.isArray(value) && value.length === 0);

/**
 * Every resource's top-level `region` (provider v6): a change replaces, except between unset and the
 * provider's own region. The provider's region is not known here, so unset on either side counts as it.
 */
const REGION = (before: unknown, after: unknown): boolean => isSet(before) && isSet(after);

/** `"7.1"` < `"7.2"`: the replication group's engine version is replaced on a downgrade only. */
function isDowngrade(before: unknown, after: unknown): boolean {
    if (typeof before !== "string" || typeof after !== "string") return false;
    const parts = (v: string) => v.split(".").map((p) => Number.parseInt(p, 10));
    const [b, a] = [parts(before), parts(after)];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const [x, y] = [a[i] ?? 0, b[i] ?? 0];
        if (Number.isNaN(x) || Number.isNaN(y)) return false;
        if (x !== y) return x < y;
    }
    return false;
}

const RULE_SOURCES = ["cidrIpv4", "cidrIpv6", "prefixListId", "referencedSecurityGroupId"];

/** A security group rule cannot change its source type in place (ModifyPlan in the framework resource). */
function ruleSourceKind(before: Inputs, after: Inputs): string[] {
    const kind = (inputs: Inputs) => RULE_SOURCES.find((key) => isSet(inputs[key]));
    const [was, now] = [kind(before), kind(after)];
    return was && now && was !== now ? [was, now] : [];
}

/**
 * A NAT gateway's CustomizeDiff: a private gateway's secondary IP count replaces it; a regional gateway
 * moving between automatic and listed zone addresses replaces it.
 */
function natGatewayAcross(before: Inputs, after: Inputs, changed: readonly string[]): string[] {
    const keys: string[] = [];
    if (after.connectivityType === "private" && changed.includes("secondaryPrivateIpAddressCount") && isSet(after.secondaryPrivateIpAddressCount))
        keys.push("secondaryPrivateIpAddressCount");
    if (changed.includes("availabilityZoneAddresses") && isEmpty(before.availabilityZoneAddresses) !== isEmpty(after.availabilityZoneAddresses))
        keys.push("availabilityZoneAddresses");
    return keys;
}

/**
 * The inputs whose change makes the provider replace the resource, for every pulumi-aws type this
 * program registers. Read from terraform-provider-aws v6 (the line pulumi-aws 7.48.0 bridges, at or
 * after v6.63.0) schemas, with each type's inputs checked against the @pulumi/aws 7.48.0 SDK.
 */
export const REPLACE_ON: Readonly<Record<string, ReplaceRule>> = {
    // A version is immutable: the provider's update applies tags only.
    "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion": { allExcept: ["tags"] },
    // Health check, instance, network and source configuration all update in place.
    "aws:apprunner/service:Service": { always: ["serviceName", "encryptionConfiguration"] },
    "aws:apprunner/vpcConnector:VpcConnector": { always: ["vpcConnectorName", "subnets", "securityGroups"] },
    // kmsKeyId is associated and disassociated in place; retention and deletion protection update.
    "aws:cloudwatch/logGroup:LogGroup": { always: ["name", "namePrefix", "logGroupClass"] },
    "aws:ec2/eip:Eip": { always: ["address", "domain", "networkBorderGroup", "publicIpv4Pool"] },
    "aws:ec2/natGateway:NatGateway": {
        always: ["allocationId", "availabilityMode", "connectivityType", "privateIp", "subnetId", "vpcId"],
        across: natGatewayAcross,
    },
    // The target (gatewayId, natGatewayId, …) is replaced in place with ReplaceRoute.
    "aws:ec2/route:Route": { always: ["routeTableId", "destinationCidrBlock", "destinationIpv6CidrBlock", "destinationPrefixListId"] },
    "aws:ec2/routeTable:RouteTable": { always: ["vpcId"] },
    // A new route table is swapped in with ReplaceRouteTableAssociation.
    "aws:ec2/routeTableAssociation:RouteTableAssociation": { always: ["subnetId", "gatewayId"] },
    "aws:ec2/securityGroup:SecurityGroup": { always: ["name", "namePrefix", "description", "vpcId"] },
    // awsx.ec2.Vpc's children under the real engine (under mocks awsx is one resource).
    "aws:ec2/subnet:Subnet": { always: ["vpcId", "cidrBlock", "availabilityZone", "availabilityZoneId", "ipv6Native", "outpostArn"] },
    "aws:ec2/vpc:Vpc": {
        always: ["ipv4IpamPoolId", "ipv4NetmaskLength"],
        // Tenancy can only go from dedicated to default in place; an IPAM-derived CIDR block change is ignored.
        when: { instanceTenancy: (before, after) => !(before === "dedicated" && after === "default") },
        across: (_before, after, changed) => (changed.includes("cidrBlock") && !isSet(after.ipv4NetmaskLength) ? ["cidrBlock"] : []),
    },
    "aws:ecs/cluster:Cluster": { always: ["name"] },
    // Capacity provider strategies are not replaced: the provider refuses the change without forceNewDeployment.
    "aws:ecs/service:Service": { always: ["name", "cluster", "launchType", "iamRole", "schedulingStrategy"] },
    "aws:ecs/taskDefinition:TaskDefinition": { allExcept: ["tags", "skipDestroy", "trackLatest"] },
    "aws:elasticache/replicationGroup:ReplicationGroup": {
        always: [
            "replicationGroupId",
            "port",
            "subnetGroupName",
            "securityGroupNames",
            "atRestEncryptionEnabled",
            "kmsKeyId",
            "dataTieringEnabled",
            "globalReplicationGroupId",
            "networkType",
            "snapshotArns",
            "snapshotName",
        ],
        when: {
            engineVersion: isDowngrade,
            engine: (before, after) => before === "valkey" && after === "redis",
            // The provider replaces only on a "significant" node group change; any change is counted here.
            nodeGroupConfigurations: () => true,
        },
    },
    "aws:iam/role:Role": { always: ["name", "namePrefix", "path"] },
    "aws:iam/rolePolicy:RolePolicy": { always: ["role", "name", "namePrefix"] },
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": { always: ["role", "policyArn"] },
    "aws:secretsmanager/secret:Secret": { always: ["name", "namePrefix"] },
    // A new value is a new version: PutSecretValue, never an update of the old one.
    "aws:secretsmanager/secretVersion:SecretVersion": { always: ["secretId", "secretString", "secretBinary"] },
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": { always: ["securityGroupId"], across: ruleSourceKind },
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": { always: ["securityGroupId"], across: ruleSourceKind },
};

/**
 * The changed top-level keys that force a replacement of a resource of this type. `before` and `after`
 * are the old and new inputs; conditional rules need them.
 */
export function replacingKeys(type: string, keys: readonly string[], before: Inputs = {}, after: Inputs = {}): string[] {
    const rule = REPLACE_ON[type];
    if (!rule) return [];
    const found = new Set<string>();
    for (const key of keys) {
        if (key === "region") {
            if (REGION(before[key], after[key])) found.add(key);
        } else if (rule.always?.includes(key) || (rule.allExcept && !rule.allExcept.includes(key)) || rule.when?.[key]?.(before[key], after[key])) {
            found.add(key);
        }
    }
    for (const key of rule.across?.(before, after, keys) ?? []) if (keys.includes(key)) found.add(key);
    return keys.filter((key) => found.has(key));
}

export function forcesReplacement(type: string, keys: readonly string[], before: Inputs = {}, after: Inputs = {}): boolean {
    return replacingKeys(type, keys, before, after).length > 0;
}
