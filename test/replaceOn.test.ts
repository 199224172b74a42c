import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { diffPlans } from "../tools/offline/diffPlans";
import { PlanResource } from "../tools/offline/planDocument";
import { REPLACE_ON, replacingKeys } from "../tools/offline/replaceOn";

/** The input properties a pulumi-aws resource class passes to the engine, read from the SDK itself. */
function providerInputs(type: string): string[] {
    const [, module, name] = /^aws:([a-z0-9]+)\/([a-zA-Z0-9]+):/.exec(type)!;
    const source = fs.readFileSync(path.join(path.dirname(require.resolve("@pulumi/aws/package.json")), module, `${name}.js`), "utf8");
    return [...new Set([...source.matchAll(/resourceInputs\["(\w+)"\] = .*\bargs\?\.(\w+)/g)].filter((m) => m[1] === m[2]).map((m) => m[1]))];
}

interface Case {
    readonly type: string;
    readonly key: string;
    readonly before: unknown;
    readonly after: unknown;
    readonly replaces: boolean;
    /** Other inputs, the same before and after. */
    readonly context?: Record<string, unknown>;
}

const T = {
    ascv: "aws:apprunner/autoScalingConfigurationVersion:AutoScalingConfigurationVersion",
    appRunner: "aws:apprunner/service:Service",
    connector: "aws:apprunner/vpcConnector:VpcConnector",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    eip: "aws:ec2/eip:Eip",
    nat: "aws:ec2/natGateway:NatGateway",
    route: "aws:ec2/route:Route",
    routeTable: "aws:ec2/routeTable:RouteTable",
    association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    group: "aws:ec2/securityGroup:SecurityGroup",
    cluster: "aws:ecs/cluster:Cluster",
    subnet: "aws:ec2/subnet:Subnet",
    vpc: "aws:ec2/vpc:Vpc",
    ecsService: "aws:ecs/service:Service",
    taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
    cache: "aws:elasticache/replicationGroup:ReplicationGroup",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    attachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    secret: "aws:secretsmanager/secret:Secret",
    secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
    egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
};

const replaced = (type: string, key: string, before: unknown, after: unknown): Case => ({ type, key, before, after, replaces: true });
const updated = (type: string, key: string, before: unknown, after: unknown): Case => ({ type, key, before, after, replaces: false });

/** One case per entry of the table, and counter-cases the provider updates in place. */
const CASES: readonly Case[] = [
    replaced(T.ascv, "maxSize", 5, 10),
    replaced(T.ascv, "autoScalingConfigurationName", "nerava", "nerava-2"),
    updated(T.ascv, "tags", {}, { team: "platform" }),
    replaced(T.appRunner, "serviceName", "nerava-backend", "nerava-api"),
    replaced(T.appRunner, "encryptionConfiguration", undefined, { kmsKey: "arn:aws:kms:us-east-1:1:key/a" }),
    updated(T.appRunner, "healthCheckConfiguration", { path: "/healthz" }, { path: "/health" }),
    updated(T.appRunner, "networkConfiguration", { egressConfiguration: { egressType: "VPC" } }, { egressConfiguration: { egressType: "DEFAULT" } }),
    updated(T.appRunner, "sourceConfiguration", { imageRepository: { imageIdentifier: "a:v19" } }, { imageRepository: { imageIdentifier: "a:v20" } }),
    replaced(T.connector, "vpcConnectorName", "nerava-vpc-connector", "nerava-connector-2"),
    replaced(T.connector, "subnets", ["subnet-a"], ["subnet-b"]),
    replaced(T.connector, "securityGroups", ["sg-a"], ["sg-b"]),
    updated(T.connector, "tags", {}, { team: "platform" }),
    replaced(T.logGroup, "name", "/ecs/a", "/ecs/b"),
    replaced(T.logGroup, "namePrefix", "/ecs/a-", "/ecs/b-"),
    replaced(T.logGroup, "logGroupClass", "STANDARD", "INFREQUENT_ACCESS"),
    updated(T.logGroup, "retentionInDays", 14, 30),
    updated(T.logGroup, "kmsKeyId", undefined, "arn:aws:kms:eu-central-1:1:key/a"),
    replaced(T.eip, "address", undefined, "203.0.113.7"),
    replaced(T.eip, "domain", "standard", "vpc"),
    replaced(T.eip, "networkBorderGroup", "us-east-1", "us-east-1-wl1"),
    replaced(T.eip, "publicIpv4Pool", "amazon", "ipv4pool-ec2-1"),
    updated(T.eip, "tags", {}, { Name: "egress" }),
    replaced(T.nat, "subnetId", "subnet-0c3e9b306737c3fb2", "subnet-0dd152da6d977861c"),
    replaced(T.nat, "allocationId", "eipalloc-1", "eipalloc-2"),
    replaced(T.nat, "availabilityMode", "zonal", "regional"),
    replaced(T.nat, "connectivityType", "public", "private"),
    replaced(T.nat, "privateIp", "10.0.0.5", "10.0.0.6"),
    replaced(T.nat, "vpcId", "vpc-1", "vpc-2"),
    updated(T.nat, "secondaryAllocationIds", [], ["eipalloc-3"]),
    { ...replaced(T.nat, "secondaryPrivateIpAddressCount", 1, 2), context: { connectivityType: "private" } },
    { ...updated(T.nat, "secondaryPrivateIpAddressCount", 1, 2), context: { connectivityType: "public" } },
    replaced(T.nat, "availabilityZoneAddresses", [], [{ availabilityZone: "us-east-1a", allocationIds: ["eipalloc-1"] }]),
    updated(
        T.nat,
        "availabilityZoneAddresses",
        [{ availabilityZone: "us-east-1a", allocationIds: ["a"] }],
        [{ availabilityZone: "us-east-1a", allocationIds: ["b"] }],
    ),
    replaced(T.route, "routeTableId", "rtb-1", "rtb-2"),
    replaced(T.route, "destinationCidrBlock", "0.0.0.0/0", "10.0.0.0/8"),
    replaced(T.route, "destinationIpv6CidrBlock", "::/0", "2001:db8::/32"),
    replaced(T.route, "destinationPrefixListId", "pl-1", "pl-2"),
    updated(T.route, "natGatewayId", "nat-1", "nat-2"),
    replaced(T.routeTable, "vpcId", "vpc-1", "vpc-2"),
    updated(T.routeTable, "routes", [], [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }]),
    replaced(T.association, "subnetId", "subnet-a", "subnet-b"),
    replaced(T.association, "gatewayId", "igw-1", "igw-2"),
    updated(T.association, "routeTableId", "rtb-1", "rtb-2"),
    replaced(T.group, "name", "a", "b"),
    replaced(T.group, "namePrefix", "a-", "b-"),
    replaced(T.group, "description", "Managed by Pulumi", "connector"),
    replaced(T.group, "vpcId", "vpc-1", "vpc-2"),
    updated(T.group, "ingress", [], [{ protocol: "tcp", fromPort: 6379, toPort: 6379, cidrBlocks: ["10.0.0.0/16"] }]),
    replaced(T.subnet, "vpcId", "vpc-1", "vpc-2"),
    replaced(T.subnet, "cidrBlock", "10.0.0.0/24", "10.0.1.0/24"),
    replaced(T.subnet, "availabilityZone", "us-east-1a", "us-east-1b"),
    replaced(T.subnet, "availabilityZoneId", "use1-az1", "use1-az2"),
    replaced(T.subnet, "ipv6Native", false, true),
    replaced(T.subnet, "outpostArn", undefined, "arn:aws:outposts:us-east-1:1:outpost/op-1"),
    updated(T.subnet, "mapPublicIpOnLaunch", false, true),
    replaced(T.vpc, "ipv4IpamPoolId", undefined, "ipam-pool-1"),
    replaced(T.vpc, "ipv4NetmaskLength", 20, 16),
    replaced(T.vpc, "instanceTenancy", "default", "dedicated"),
    updated(T.vpc, "instanceTenancy", "dedicated", "default"),
    replaced(T.vpc, "cidrBlock", "10.0.0.0/16", "10.1.0.0/16"),
    { ...updated(T.vpc, "cidrBlock", "10.0.0.0/16", "10.1.0.0/16"), context: { ipv4IpamPoolId: "ipam-pool-1", ipv4NetmaskLength: 16 } },
    updated(T.vpc, "enableDnsHostnames", false, true),
    replaced(T.cluster, "name", "sandbox-broker-cluster", "sandbox-broker-2"),
    updated(T.cluster, "settings", [], [{ name: "containerInsights", value: "enabled" }]),
    replaced(T.ecsService, "name", "sandbox-broker", "sandbox-broker-2"),
    replaced(T.ecsService, "cluster", "sandbox-broker-cluster", "other"),
    replaced(T.ecsService, "launchType", "FARGATE", "EC2"),
    replaced(T.ecsService, "iamRole", "a", "b"),
    replaced(T.ecsService, "schedulingStrategy", "REPLICA", "DAEMON"),
    updated(T.ecsService, "deploymentController", undefined, { type: "CODE_DEPLOY" }),
    updated(T.ecsService, "taskDefinition", "sandbox-broker:8", "sandbox-broker:9"),
    updated(T.ecsService, "capacityProviderStrategies", [], [{ capacityProvider: "FARGATE", weight: 1 }]),
    replaced(T.taskDefinition, "containerDefinitions", "[]", '[{"name":"api"}]'),
    replaced(T.taskDefinition, "cpu", "256", "512"),
    updated(T.taskDefinition, "tags", {}, { team: "platform" }),
    updated(T.taskDefinition, "skipDestroy", false, true),
    updated(T.taskDefinition, "trackLatest", false, true),
    replaced(T.cache, "replicationGroupId", "nerava-redis", "nerava-redis-2"),
    replaced(T.cache, "port", 6379, 6380),
    replaced(T.cache, "subnetGroupName", "default", "private"),
    replaced(T.cache, "securityGroupNames", [], ["legacy"]),
    replaced(T.cache, "atRestEncryptionEnabled", "false", "true"),
    replaced(T.cache, "kmsKeyId", undefined, "arn:aws:kms:us-east-1:1:key/a"),
    replaced(T.cache, "dataTieringEnabled", false, true),
    replaced(T.cache, "globalReplicationGroupId", undefined, "global-1"),
    replaced(T.cache, "networkType", "ipv4", "dual_stack"),
    replaced(T.cache, "snapshotArns", [], ["arn:aws:s3:::b/snap.rdb"]),
    replaced(T.cache, "snapshotName", undefined, "snap"),
    replaced(T.cache, "engineVersion", "7.1", "6.2"),
    updated(T.cache, "engineVersion", "6.2", "7.1"),
    replaced(T.cache, "engine", "valkey", "redis"),
    updated(T.cache, "engine", "redis", "valkey"),
    replaced(T.cache, "nodeGroupConfigurations", [], [{ nodeGroupId: "0001" }]),
    updated(T.cache, "securityGroupIds", ["sg-0e4cc786d9053f05f"], ["sg-new"]),
    updated(T.cache, "transitEncryptionEnabled", false, true),
    updated(T.cache, "nodeType", "cache.t3.micro", "cache.t3.small"),
    replaced(T.role, "name", "a", "b"),
    replaced(T.role, "namePrefix", "a-", "b-"),
    replaced(T.role, "path", "/", "/service/"),
    updated(T.role, "assumeRolePolicy", "{}", '{"Version":"2012-10-17"}'),
    updated(T.role, "permissionsBoundary", undefined, "arn:aws:iam::1:policy/b"),
    replaced(T.rolePolicy, "role", "a", "b"),
    replaced(T.rolePolicy, "name", "a", "b"),
    replaced(T.rolePolicy, "namePrefix", "a-", "b-"),
    updated(T.rolePolicy, "policy", "{}", '{"Version":"2012-10-17"}'),
    replaced(T.attachment, "role", "a", "b"),
    replaced(T.attachment, "policyArn", "arn:aws:iam::aws:policy/a", "arn:aws:iam::aws:policy/b"),
    replaced(T.secret, "name", "twilio", "twilio-2"),
    replaced(T.secret, "namePrefix", "twilio-", "sms-"),
    updated(T.secret, "kmsKeyId", undefined, "arn:aws:kms:us-east-1:1:key/a"),
    updated(T.secret, "description", "a", "b"),
    replaced(T.secretVersion, "secretId", "arn:a", "arn:b"),
    replaced(T.secretVersion, "secretString", "old", "new"),
    replaced(T.secretVersion, "secretBinary", "b2xk", "bmV3"),
    updated(T.secretVersion, "versionStages", ["AWSCURRENT"], ["AWSCURRENT", "v2"]),
    replaced(T.ingressRule, "securityGroupId", "sg-a", "sg-b"),
    replaced(T.egressRule, "securityGroupId", "sg-a", "sg-b"),
    updated(T.ingressRule, "description", "redis", "redis from the connector"),
    updated(T.ingressRule, "fromPort", 6379, 6380),
    updated(T.egressRule, "cidrIpv4", "10.0.0.0/16", "10.1.0.0/16"),
    replaced(T.logGroup, "region", "eu-central-1", "eu-west-1"),
    updated(T.logGroup, "region", undefined, "eu-central-1"),
];

describe("force-new table", () => {
    for (const c of CASES) {
        const verb = c.replaces ? "replaces" : "updates in place";
        it(`${c.type.split(":").pop()} ${c.key}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)} ${verb}`, () => {
            const before = { ...c.context, [c.key]: c.before };
            const after = { ...c.context, [c.key]: c.after };
            assert.deepStrictEqual(replacingKeys(c.type, [c.key], before, after), c.replaces ? [c.key] : []);
        });
    }

    it("a rule changing its source type (CIDR → group) replaces it on both source keys", () => {
        const before = { securityGroupId: "sg-a", cidrIpv4: "0.0.0.0/0" };
        const after = { securityGroupId: "sg-a", referencedSecurityGroupId: "sg-00bc5ec63287eacdd" };
        assert.deepStrictEqual(replacingKeys(T.ingressRule, ["cidrIpv4", "referencedSecurityGroupId"], before, after), [
            "cidrIpv4",
            "referencedSecurityGroupId",
        ]);
    });

    it("every type has cases for each of its force-new keys and at least one in-place counter-case", () => {
        for (const [type, rule] of Object.entries(REPLACE_ON)) {
            const forType = CASES.filter((c) => c.type === type);
            for (const key of [...(rule.always ?? []), ...Object.keys(rule.when ?? {})])
                assert.ok(
                    forType.some((c) => c.key === key && c.replaces),
                    `${type}: no case replacing on ${key}`,
                );
            if (rule.allExcept?.length)
                for (const key of rule.allExcept)
                    assert.ok(
                        forType.some((c) => c.key === key && !c.replaces),
                        `${type}: no in-place case for ${key}`,
                    );
        }
    });

    it("names only inputs the @pulumi/aws 7.48.0 SDK has, for every type", () => {
        for (const [type, rule] of Object.entries(REPLACE_ON)) {
            const inputs = providerInputs(type);
            assert.ok(inputs.length > 1, `read only ${inputs.length} inputs for ${type}`);
            const named = [...(rule.always ?? []), ...(rule.allExcept ?? []), ...Object.keys(rule.when ?? {})];
            assert.deepStrictEqual(
                named.filter((key) => !inputs.includes(key)),
                [],
                type,
            );
        }
    });

    it("an unknown type replaces on nothing", () => {
        assert.deepStrictEqual(replacingKeys("aws:s3/bucket:Bucket", ["bucket"], { bucket: "a" }, { bucket: "b" }), []);
    });

    it("the plan's diff marks a NAT gateway moved to another subnet as a replacement, and a retention change as an update", () => {
        const resource = (type: string, name: string, inputs: Record<string, unknown>): PlanResource => ({
            urn: `urn:pulumi:prod::p::${type}::${name}`,
            type,
            name,
            parent: null,
            inputs,
            outputs: {},
        });
        const before = [
            resource(T.nat, "egress-nat", { subnetId: "subnet-a", allocationId: "eipalloc-1" }),
            resource(T.logGroup, "logs", { name: "/ecs/a", retentionInDays: 14 }),
        ];
        const after = [
            resource(T.nat, "egress-nat", { subnetId: "subnet-b", allocationId: "eipalloc-1" }),
            resource(T.logGroup, "logs", { name: "/ecs/a", retentionInDays: 30 }),
        ];
        assert.deepStrictEqual(
            diffPlans(before, after).map((c) => [c.name, c.op, c.keys]),
            [
                ["egress-nat", "+-", ["subnetId"]],
                ["logs", "~", ["retentionInDays"]],
            ],
        );
    });
});
