import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import {
    AssociateRouteTableCommand,
    AttachInternetGatewayCommand,
    AuthorizeSecurityGroupIngressCommand,
    CreateInternetGatewayCommand,
    CreateRouteCommand,
    CreateRouteTableCommand,
    CreateSecurityGroupCommand,
    CreateSubnetCommand,
    CreateVpcCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { CreateCacheSubnetGroupCommand, CreateReplicationGroupCommand, ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { CloudWatchLogsClient, CreateLogGroupCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from "@aws-sdk/client-ecr";

// The pinned SDK supports Node 20; its notice is about later releases.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export const APP_RUNNER_ACCOUNT = "566287346479";
export const ECS_ACCOUNT = "905418046272";
/** A recognisable secret: it must never appear in any output or file discover writes. */
export const DATABASE_PASSWORD = "Sup3rS3cretDbPassw0rd";

export interface Credentials {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
}

/** Credentials in `account`: moto scopes assumed-role credentials to the role's account. */
export async function credentialsIn(endpoint: string, account: string, region = "us-east-1"): Promise<Credentials> {
    const sts = new STSClient({ endpoint, region, credentials: { accessKeyId: "testing", secretAccessKey: "testing" } });
    const { Credentials: c } = await sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/seed`, RoleSessionName: "seed" }));
    return { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken };
}

/** What the seeding created, by the seeds' names, for rewriting Pulumi.prod.yaml's ids. */
export interface SeededWorld {
    readonly appRunner: {
        readonly vpcId: string;
        /** Seed 001's subnet-09f0b6b22836f635b: in the VPC but routed only by the main table (no internet). */
        readonly privateSubnetId: string;
        readonly publicSubnetId: string;
        readonly igwId: string;
        readonly publicRouteTableId: string;
        readonly connectorSubnetIds: [string, string];
        readonly connectorSgId: string;
        readonly rdsSgId: string;
    };
    readonly ecs: { readonly vpcId: string; readonly subnetIds: [string, string]; readonly sgId: string; readonly imageDigest: string };
}

async function seedAppRunnerAccount(endpoint: string, credentials: Credentials): Promise<SeededWorld["appRunner"]> {
    const config = { endpoint, region: "us-east-1", credentials };
    const ec2 = new EC2Client(config);
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.20.0.0/16" }))).Vpc!.VpcId!;
    const subnet = async (cidr: string, az: string) =>
        (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: cidr, AvailabilityZone: az }))).Subnet!.SubnetId!;
    const connectorA = await subnet("10.20.1.0/24", "us-east-1a");
    const connectorB = await subnet("10.20.2.0/24", "us-east-1b");
    const privateSubnetId = await subnet("10.20.3.0/24", "us-east-1a");
    const publicSubnetId = await subnet("10.20.4.0/24", "us-east-1b");
    const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const publicRouteTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: publicRouteTableId, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igwId }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicRouteTableId, SubnetId: publicSubnetId }));

    const group = async (name: string) => (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId: vpcId }))).GroupId!;
    const connectorSgId = await group("nerava-apprunner-vpc-connector");
    const rdsSgId = await group("nerava-db");
    await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
            GroupId: rdsSgId,
            IpPermissions: [
                { IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: connectorSgId }] },
                { IpProtocol: "tcp", FromPort: 6379, ToPort: 6379, UserIdGroupPairs: [{ GroupId: connectorSgId }] },
            ],
        }),
    );
    await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
            GroupId: rdsSgId,
            IpPermissions: [{ IpProtocol: "tcp", FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: "0.0.0.0/0" }] }],
        }),
    );

    const cache = new ElastiCacheClient(config);
    await cache.send(
        new CreateCacheSubnetGroupCommand({
            CacheSubnetGroupName: "default",
            CacheSubnetGroupDescription: "default",
            SubnetIds: [connectorA, connectorB, privateSubnetId],
        }),
    );
    await cache.send(
        new CreateReplicationGroupCommand({
            ReplicationGroupId: "nerava-redis",
            ReplicationGroupDescription: "nerava redis",
            Engine: "redis",
            CacheNodeType: "cache.t3.micro",
            NumCacheClusters: 1,
            CacheSubnetGroupName: "default",
            SecurityGroupIds: [rdsSgId],
            SnapshotRetentionLimit: 1,
        }),
    );

    const secrets = new SecretsManagerClient(config);
    await secrets.send(
        new CreateSecretCommand({ Name: "nerava/prod/DATABASE_URL", SecretString: `postgresql://nerava_admin:${DATABASE_PASSWORD}@db:5432/nerava` }),
    );
    return { vpcId, privateSubnetId, publicSubnetId, igwId, publicRouteTableId, connectorSubnetIds: [connectorA, connectorB], connectorSgId, rdsSgId };
}

async function seedEcsAccount(endpoint: string, credentials: Credentials): Promise<SeededWorld["ecs"]> {
    const config = { endpoint, region: "eu-central-1", credentials };
    const ec2 = new EC2Client(config);
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: "10.30.0.0/16" }))).Vpc!.VpcId!;
    const a = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.30.1.0/24", AvailabilityZone: "eu-central-1a" }))).Subnet!.SubnetId!;
    const b = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: "10.30.2.0/24", AvailabilityZone: "eu-central-1b" }))).Subnet!.SubnetId!;
    const sgId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: "sandbox-broker", Description: "tasks", VpcId: vpcId }))).GroupId!;

    const ecr = new ECRClient(config);
    await ecr.send(new CreateRepositoryCommand({ repositoryName: "sandbox-broker-api" }));
    const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.docker.distribution.manifest.v2+json",
        config: { digest: "sha256:" + "a".repeat(64) },
    });
    const image = await ecr.send(new PutImageCommand({ repositoryName: "sandbox-broker-api", imageManifest: manifest, imageTag: "latest" }));

    const logs = new CloudWatchLogsClient(config);
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/ecs/sandbox-broker-api" }));
    await logs.send(new CreateLogGroupCommand({ logGroupName: "/ecs/sandbox-broker-worker" }));

    const ecs = new ECSClient(config);
    await ecs.send(new CreateClusterCommand({ clusterName: "sandbox-broker-cluster" }));
    const imageRef = `${ECS_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:latest`;
    let taskDefinitionArn = "";
    for (let revision = 1; revision <= 8; revision++) {
        const registered = await ecs.send(
            new RegisterTaskDefinitionCommand({
                family: "sandbox-broker",
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: "1024",
                memory: "2048",
                taskRoleArn: `arn:aws:iam::${ECS_ACCOUNT}:role/sandbox-broker-task`,
                containerDefinitions: [
                    {
                        name: "sandbox-broker-api",
                        image: imageRef,
                        essential: true,
                        portMappings: [{ containerPort: 8000, protocol: "tcp" }],
                        command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"],
                        environment: [
                            { name: "LOG_LEVEL", value: "info" },
                            { name: "POOL_SIZE", value: "20" },
                            { name: "SENTRY_DSN", value: `https://k3y:${DATABASE_PASSWORD}@sentry.example.com/1` },
                        ],
                    },
                ],
            }),
        );
        taskDefinitionArn = registered.taskDefinition!.taskDefinitionArn!;
    }
    const worker = await ecs.send(
        new RegisterTaskDefinitionCommand({
            family: "sandbox-broker-worker",
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: "512",
            memory: "1024",
            containerDefinitions: [{ name: "worker", image: imageRef, essential: true, command: ["python", "-m", "app.worker"] }],
        }),
    );
    const network = { awsvpcConfiguration: { subnets: [a, b], securityGroups: [sgId], assignPublicIp: "DISABLED" as const } };
    await ecs.send(
        new CreateServiceCommand({
            cluster: "sandbox-broker-cluster",
            serviceName: "sandbox-broker",
            taskDefinition: taskDefinitionArn,
            desiredCount: 2,
            launchType: "FARGATE",
            networkConfiguration: network,
            loadBalancers: [
                {
                    targetGroupArn: `arn:aws:elasticloadbalancing:eu-central-1:${ECS_ACCOUNT}:targetgroup/sandbox-broker/0123456789abcdef`,
                    containerName: "sandbox-broker-api",
                    containerPort: 8000,
                },
            ],
            healthCheckGracePeriodSeconds: 90,
        }),
    );
    await ecs.send(
        new CreateServiceCommand({
            cluster: "sandbox-broker-cluster",
            serviceName: "sandbox-broker-worker",
            taskDefinition: worker.taskDefinition!.taskDefinitionArn!,
            desiredCount: 1,
            launchType: "FARGATE",
            networkConfiguration: network,
        }),
    );
    return { vpcId, subnetIds: [a, b], sgId, imageDigest: image.image!.imageId!.imageDigest! };
}

/** Seeds both of the seeds' accounts: the App Runner VPC and data stores, and the ECS cluster with its API and worker. */
export async function seedAccounts(endpoint: string): Promise<SeededWorld> {
    const [appRunner, ecs] = await Promise.all([
        credentialsIn(endpoint, APP_RUNNER_ACCOUNT).then((c) => seedAppRunnerAccount(endpoint, c)),
        credentialsIn(endpoint, ECS_ACCOUNT).then((c) => seedEcsAccount(endpoint, c)),
    ]);
    return { appRunner, ecs };
}
