import { AccountData, StoredResource } from "./account";
import { T } from "./tokens";

const US = "us-east-1";
const EU = "eu-central-1";
const APP_ACCOUNT = "566287346479";
const ECS_ACCOUNT = "905418046272";

function record(type: string, id: string, region: string, inputs: Record<string, unknown>, computed: Record<string, unknown> = {}): StoredResource {
    return { type, id, region, inputs, outputs: { ...inputs, ...computed, id } };
}

// App Runner side, us-east-1 (seeds 000–003). The VPC is the account's default VPC: six subnets in one
// subnet group, all on the main route table, whose 0.0.0.0/0 goes to the internet gateway — which App
// Runner's VPC egress cannot use. AZs, CIDRs and the ids of the VPC's own objects are invented.
const VPC = "vpc-0070057532e81973b";
const CONNECTOR_SUBNETS = ["subnet-0c3e9b306737c3fb2", "subnet-0dd152da6d977861c"];
const OTHER_SUBNETS = ["subnet-09f0b6b22836f635b", "subnet-060c3c35508ab8bbc", "subnet-057952e1bc984a613", "subnet-0c181eeace50fb31c"];
const IGW = "igw-0f1e2d3c4b5a69788";
const CONNECTOR_SG = "sg-00bc5ec63287eacdd";
const DATA_SG = "sg-0e4cc786d9053f05f";
const CONNECTOR_ARN = `arn:aws:apprunner:${US}:${APP_ACCOUNT}:vpcconnector/nerava-vpc-connector/1/b07c0001ddf341b8b426d7fa83d93ad8`;
const SERVICE_ARN = `arn:aws:apprunner:${US}:${APP_ACCOUNT}:service/nerava-backend/88e85a3063c14ea9a1e39f8fdf3c35e3`;

function appRunnerSide(): StoredResource[] {
    const subnets = [...CONNECTOR_SUBNETS, ...OTHER_SUBNETS].map((id, i) =>
        record(T.subnet, id, US, { vpcId: VPC, cidrBlock: `172.31.${i * 16}.0/20`, availabilityZone: `${US}${"abcdef"[i]}`, mapPublicIpOnLaunch: true }),
    );
    const rule = (id: string, inputs: Record<string, unknown>) => record(T.ingressRule, id, US, { securityGroupId: DATA_SG, ipProtocol: "tcp", ...inputs });
    return [
        record(T.vpc, VPC, US, { cidrBlock: "172.31.0.0/16", isDefault: true }),
        ...subnets,
        record(T.internetGateway, IGW, US, { vpcId: VPC }),
        record(
            T.routeTable,
            "rtb-0a9b8c7d6e5f40312",
            US,
            { vpcId: VPC, routes: [{ destinationCidrBlock: "0.0.0.0/0", gatewayId: IGW }] },
            { main: true, ownerId: APP_ACCOUNT },
        ),
        record(T.securityGroup, CONNECTOR_SG, US, { name: "nerava-apprunner-vpc-connector", description: "App Runner VPC connector", vpcId: VPC }),
        // Seed 001: the data stores' group (the VPC's default group) — 5432 and 6379 from the connector, 5432 from anywhere.
        // Its Name tag is invented: an import reads tags into the inputs like every other set property.
        record(T.securityGroup, DATA_SG, US, { name: "default", description: "default VPC security group", vpcId: VPC, tags: { Name: "nerava-data" } }),
        rule("sgr-0c1a2b3c4d5e6f701", { fromPort: 5432, toPort: 5432, referencedSecurityGroupId: CONNECTOR_SG }),
        rule("sgr-0c1a2b3c4d5e6f702", { fromPort: 5432, toPort: 5432, cidrIpv4: "0.0.0.0/0" }),
        rule("sgr-0c1a2b3c4d5e6f703", { fromPort: 6379, toPort: 6379, referencedSecurityGroupId: CONNECTOR_SG }),
        record(T.egressRule, "sgr-0c1a2b3c4d5e6f704", US, { securityGroupId: CONNECTOR_SG, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }),
        record(
            T.vpcConnector,
            CONNECTOR_ARN,
            US,
            { vpcConnectorName: "nerava-vpc-connector", subnets: CONNECTOR_SUBNETS, securityGroups: [CONNECTOR_SG] },
            { arn: CONNECTOR_ARN, status: "ACTIVE", vpcConnectorRevision: 1 },
        ),
        record(T.role, "AppRunnerECRAccessRole", US, { name: "AppRunnerECRAccessRole" }, { arn: `arn:aws:iam::${APP_ACCOUNT}:role/AppRunnerECRAccessRole` }),
        // Seeds 002–003: v19 running with VPC egress, health check on /healthz. Only the variables the seeds name
        // are recorded; the live service has 28.
        record(
            T.appRunnerService,
            SERVICE_ARN,
            US,
            {
                serviceName: "nerava-backend",
                sourceConfiguration: {
                    autoDeploymentsEnabled: false,
                    authenticationConfiguration: { accessRoleArn: `arn:aws:iam::${APP_ACCOUNT}:role/AppRunnerECRAccessRole` },
                    imageRepository: {
                        imageIdentifier: `${APP_ACCOUNT}.dkr.ecr.${US}.amazonaws.com/nerava-backend:v19-photo-fix`,
                        imageRepositoryType: "ECR",
                        imageConfiguration: {
                            port: "8000",
                            runtimeEnvironmentVariables: {
                                ENV: "prod",
                                OTP_PROVIDER: "twilio_verify",
                                SKIP_STARTUP_VALIDATION: "true",
                                DATABASE_URL:
                                    "postgresql+psycopg2://nerava_admin:recorded-password@nerava-db.c27i820wot9o.us-east-1.rds.amazonaws.com:5432/nerava",
                                REDIS_URL: "redis://nerava-redis.yagp9v.ng.0001.use1.cache.amazonaws.com:6379/0",
                            },
                        },
                    },
                },
                instanceConfiguration: { cpu: "1024", memory: "2048" },
                networkConfiguration: {
                    egressConfiguration: { egressType: "VPC", vpcConnectorArn: CONNECTOR_ARN },
                    ingressConfiguration: { isPubliclyAccessible: true },
                },
                healthCheckConfiguration: { protocol: "HTTP", path: "/healthz", interval: 5, timeout: 5, healthyThreshold: 1, unhealthyThreshold: 5 },
            },
            { arn: SERVICE_ARN, serviceId: "88e85a3063c14ea9a1e39f8fdf3c35e3", serviceUrl: "t2z3amfrq3.us-east-1.awsapprunner.com", status: "RUNNING" },
        ),
        record(
            T.replicationGroup,
            "nerava-redis",
            US,
            {
                replicationGroupId: "nerava-redis",
                description: "nerava redis",
                engine: "redis",
                nodeType: "cache.t3.micro",
                numCacheClusters: 1,
                subnetGroupName: "default",
                securityGroupIds: [DATA_SG],
                port: 6379,
            },
            { primaryEndpointAddress: "nerava-redis.yagp9v.ng.0001.use1.cache.amazonaws.com" },
        ),
    ];
}

// ECS side, eu-central-1 (seed 004): the API service on `sandbox-broker:8` with `:latest`. The seeds do not
// record its network: the VPC and subnet ids below are invented, the same ones the engine tests configure.
export const ECS_NETWORK = { vpcId: "vpc-0e5c1a2b3c4d5e6f7", subnetIds: ["subnet-0e5c1a2b3c4d5e601", "subnet-0e5c1a2b3c4d5e602"] } as const;
const CLUSTER = "sandbox-broker-cluster";
const EXECUTION_ROLE = "ecsTaskExecutionRole";

function ecsSide(): StoredResource[] {
    const taskDefinitionArn = `arn:aws:ecs:${EU}:${ECS_ACCOUNT}:task-definition/sandbox-broker:8`;
    const container = {
        name: "sandbox-broker",
        image: `${ECS_ACCOUNT}.dkr.ecr.${EU}.amazonaws.com/sandbox-broker-api:latest`,
        portMappings: [{ containerPort: 8080, protocol: "tcp" }],
        logConfiguration: {
            logDriver: "awslogs",
            options: { "awslogs-group": "/ecs/sandbox-broker-api", "awslogs-region": EU, "awslogs-stream-prefix": "api" },
        },
    };
    return [
        record(T.vpc, ECS_NETWORK.vpcId, EU, { cidrBlock: "10.20.0.0/16" }),
        ...ECS_NETWORK.subnetIds.map((id, i) =>
            record(T.subnet, id, EU, { vpcId: ECS_NETWORK.vpcId, cidrBlock: `10.20.${i}.0/24`, availabilityZone: `${EU}${"ab"[i]}` }),
        ),
        record(T.ecsCluster, CLUSTER, EU, { name: CLUSTER }, { arn: `arn:aws:ecs:${EU}:${ECS_ACCOUNT}:cluster/${CLUSTER}` }),
        record(T.role, EXECUTION_ROLE, EU, { name: EXECUTION_ROLE }, { arn: `arn:aws:iam::${ECS_ACCOUNT}:role/${EXECUTION_ROLE}` }),
        record(T.rolePolicyAttachment, `${EXECUTION_ROLE}-recorded`, EU, {
            role: EXECUTION_ROLE,
            policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        }),
        record(
            T.logGroup,
            "/ecs/sandbox-broker-api",
            EU,
            { name: "/ecs/sandbox-broker-api", retentionInDays: 30 },
            { arn: `arn:aws:logs:${EU}:${ECS_ACCOUNT}:log-group:/ecs/sandbox-broker-api` },
        ),
        record(
            T.taskDefinition,
            taskDefinitionArn,
            EU,
            {
                family: "sandbox-broker",
                containerDefinitions: JSON.stringify([container]),
                cpu: "512",
                memory: "1024",
                networkMode: "awsvpc",
                requiresCompatibilities: ["FARGATE"],
                executionRoleArn: `arn:aws:iam::${ECS_ACCOUNT}:role/${EXECUTION_ROLE}`,
            },
            { arn: taskDefinitionArn, revision: 8 },
        ),
        record(
            T.ecsService,
            `arn:aws:ecs:${EU}:${ECS_ACCOUNT}:service/${CLUSTER}/sandbox-broker`,
            EU,
            {
                name: "sandbox-broker",
                cluster: `arn:aws:ecs:${EU}:${ECS_ACCOUNT}:cluster/${CLUSTER}`,
                taskDefinition: taskDefinitionArn,
                desiredCount: 2,
                launchType: "FARGATE",
                networkConfiguration: { subnets: [...ECS_NETWORK.subnetIds], assignPublicIp: false, securityGroups: [] },
            },
            { arn: `arn:aws:ecs:${EU}:${ECS_ACCOUNT}:service/${CLUSTER}/sandbox-broker` },
        ),
    ];
}

/** The live accounts as the seeds describe them, before any Pulumi update. */
export function recordedAccount(): AccountData {
    return { accounts: { [US]: APP_ACCOUNT, [EU]: ECS_ACCOUNT }, resources: [...appRunnerSide(), ...ecsSide()], events: [], sequence: 0 };
}
