import * as fs from "fs";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import { parseDocument } from "yaml";
import {
    AppRunnerClient,
    DescribeServiceCommand,
    ListOperationsCommand,
    ListServicesCommand,
    ListVpcConnectorsCommand,
    OperationSummary,
    Service,
} from "@aws-sdk/client-apprunner";
import {
    AllocateAddressCommand,
    AssociateRouteTableCommand,
    AttachInternetGatewayCommand,
    CreateInternetGatewayCommand,
    CreateNatGatewayCommand,
    CreateRouteCommand,
    CreateRouteTableCommand,
    CreateSubnetCommand,
    CreateVpcCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import { runVerify, VerifyOptions } from "../../tools/verify/run";
import { tempDir } from "../tempDirs";
import { APP_RUNNER_ACCOUNT, credentialsIn, SeededWorld } from "../discover/seedAccounts";
import { CONNECTOR_ARN, SERVICE_ARN, useCredentials } from "../discover/world";

const REPO = path.resolve(__dirname, "../..");
export const IMAGE = `${APP_RUNNER_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/nerava-backend:v19-photo-fix`;

/** A VPC as the NAT fix leaves it: connector subnets routed to a NAT in `natIn` (or, with `none`, to nothing). */
export interface EgressVpc {
    readonly vpcId: string;
    readonly connectorSubnetIds: [string, string];
    /** Routes 0.0.0.0/0 to the internet gateway. */
    readonly publicSubnetId: string;
    /** Has no route of its own (the VPC's main table, no default route). */
    readonly privateSubnetId: string;
    readonly igwId: string;
    readonly natId?: string;
    readonly publicIp?: string;
    readonly allocationId?: string;
    readonly routeTableId?: string;
}

let cidr = 40;

/** Builds one VPC per scenario in the App Runner account, so scenarios never share a route table. */
export async function egressVpc(endpoint: string, natIn: "public" | "private" | "none", target: "nat" | "igw" = "nat"): Promise<EgressVpc> {
    const ec2 = new EC2Client({ endpoint, region: "us-east-1", credentials: await credentialsIn(endpoint, APP_RUNNER_ACCOUNT) });
    const base = `10.${cidr++}`;
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: `${base}.0.0/16` }))).Vpc!.VpcId!;
    const subnet = async (n: number, az: string) =>
        (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `${base}.${n}.0/24`, AvailabilityZone: az }))).Subnet!.SubnetId!;
    const connectorSubnetIds: [string, string] = [await subnet(1, "us-east-1a"), await subnet(2, "us-east-1b")];
    const publicSubnetId = await subnet(3, "us-east-1a");
    const privateSubnetId = await subnet(4, "us-east-1b");
    const igwId = (await ec2.send(new CreateInternetGatewayCommand({}))).InternetGateway!.InternetGatewayId!;
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
    const publicTable = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(new CreateRouteCommand({ RouteTableId: publicTable, DestinationCidrBlock: "0.0.0.0/0", GatewayId: igwId }));
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: publicTable, SubnetId: publicSubnetId }));
    const vpc = { vpcId, connectorSubnetIds, publicSubnetId, privateSubnetId, igwId };
    if (natIn === "none") return vpc;
    const eip = await ec2.send(new AllocateAddressCommand({ Domain: "vpc" }));
    const natSubnet = natIn === "public" ? publicSubnetId : privateSubnetId;
    const nat = (await ec2.send(new CreateNatGatewayCommand({ SubnetId: natSubnet, AllocationId: eip.AllocationId, ConnectivityType: "public" }))).NatGateway!;
    const routeTableId = (await ec2.send(new CreateRouteTableCommand({ VpcId: vpcId }))).RouteTable!.RouteTableId!;
    await ec2.send(
        new CreateRouteCommand({
            RouteTableId: routeTableId,
            DestinationCidrBlock: "0.0.0.0/0",
            ...(target === "nat" ? { NatGatewayId: nat.NatGatewayId } : { GatewayId: igwId }),
        }),
    );
    for (const subnetId of connectorSubnetIds) await ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }));
    return { ...vpc, natId: nat.NatGatewayId, publicIp: eip.PublicIp, allocationId: eip.AllocationId, routeTableId };
}

/**
 * Pulumi.prod.yaml as committed, its App Runner network pointed at `vpc` and its groups at the seeded
 * ones, then `edit`ed: the stack file verify reads what the stack claims from.
 */
export function verifyProject(world: SeededWorld, vpc: EgressVpc, edit: (text: string) => string = (t) => t): string {
    const dir = tempDir("verify-");
    fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.mkdirSync(path.join(dir, "policies"));
    fs.copyFileSync(path.join(REPO, "policies", "exemptions.json"), path.join(dir, "policies", "exemptions.json"));
    const ids: Record<string, string> = {
        "vpc-0070057532e81973b": vpc.vpcId,
        "subnet-0c3e9b306737c3fb2": vpc.connectorSubnetIds[0],
        "subnet-0dd152da6d977861c": vpc.connectorSubnetIds[1],
        "subnet-09f0b6b22836f635b": vpc.publicSubnetId,
        "sg-00bc5ec63287eacdd": world.appRunner.connectorSgId,
        "sg-0e4cc786d9053f05f": world.appRunner.rdsSgId,
    };
    let text = fs.readFileSync(path.join(REPO, "Pulumi.prod.yaml"), "utf8");
    for (const [seed, moto] of Object.entries(ids)) text = text.split(seed).join(moto);
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), edit(text));
    return dir;
}

/** Sets `key` (`appRunner.stage`, `ecs.worker.stopped`) in the stack file's text, keeping the rest as it is. */
export const set =
    (...settings: [key: string, value: unknown][]) =>
    (text: string): string => {
        const doc = parseDocument(text);
        for (const [key, value] of settings) {
            const [part, ...rest] = key.split(".");
            doc.setIn(["config", `egress-remediation:${part}`, ...rest], value);
        }
        return doc.toString();
    };

/** What App Runner reports of the service when it runs what the committed stack file says at `harden`. */
export function hardenedService(edit: (service: Service) => Service = (s) => s): Service {
    return edit({
        ServiceArn: SERVICE_ARN,
        ServiceName: "nerava-backend",
        Status: "RUNNING",
        SourceConfiguration: {
            ImageRepository: {
                ImageIdentifier: IMAGE,
                ImageRepositoryType: "ECR",
                ImageConfiguration: {
                    Port: "8000",
                    RuntimeEnvironmentVariables: { ENV: "prod", OTP_PROVIDER: "twilio_verify", SKIP_STARTUP_VALIDATION: "true" },
                    RuntimeEnvironmentSecrets: {
                        DATABASE_URL: `arn:aws:secretsmanager:us-east-1:${APP_RUNNER_ACCOUNT}:secret:nerava/prod/DATABASE_URL-AbCdEf`,
                        REDIS_URL: `arn:aws:secretsmanager:us-east-1:${APP_RUNNER_ACCOUNT}:secret:nerava/prod/REDIS_URL-GhIjKl`,
                    },
                },
            },
        },
        InstanceConfiguration: { Cpu: "1024", Memory: "2048" },
        HealthCheckConfiguration: { Protocol: "HTTP", Path: "/health", Interval: 10, Timeout: 10, HealthyThreshold: 1, UnhealthyThreshold: 10 },
        NetworkConfiguration: { EgressConfiguration: { EgressType: "VPC", VpcConnectorArn: CONNECTOR_ARN } },
        ServiceId: "88e85a3063c14ea9a1e39f8fdf3c35e3",
        ServiceUrl: "x.us-east-1.awsapprunner.com",
        CreatedAt: new Date(0),
        UpdatedAt: new Date(0),
        AutoScalingConfigurationSummary: undefined,
    } as Service);
}

export const SUCCEEDED: OperationSummary = { Id: "a1b2c3d4e5f60718293a4b5c6d7e8f90", Type: "UPDATE_SERVICE", Status: "SUCCEEDED" };
export const ROLLED_BACK: OperationSummary = { Id: "5d416989a4dd485dabb43390ef72e3a6", Type: "UPDATE_SERVICE", Status: "ROLLBACK_SUCCEEDED" };

/** App Runner is not served by moto: its four read calls answer with this service, connector and operations. */
export function mockAppRunner(vpc: EgressVpc, world: SeededWorld, service: Service, operations: OperationSummary[] = [SUCCEEDED]) {
    const mock = mockClient(AppRunnerClient);
    mock.on(ListVpcConnectorsCommand).resolves({
        VpcConnectors: [
            {
                VpcConnectorName: "nerava-vpc-connector",
                VpcConnectorArn: CONNECTOR_ARN,
                VpcConnectorRevision: 1,
                Subnets: [...vpc.connectorSubnetIds],
                SecurityGroups: [world.appRunner.connectorSgId],
                Status: "ACTIVE",
            },
        ],
    });
    mock.on(ListServicesCommand).resolves({ ServiceSummaryList: [{ ServiceName: service.ServiceName, ServiceArn: service.ServiceArn }] });
    mock.on(DescribeServiceCommand).resolves({ Service: service });
    mock.on(ListOperationsCommand).resolves({ OperationSummaryList: operations });
    return mock;
}

export interface Run {
    readonly code: number;
    readonly out: string;
    readonly err: string;
}

/** Runs verify in-process with the seeds' credentials (ambient for App Runner, the okta-sso profile for ECS). */
export async function verify(endpoint: string, dir: string, options: Partial<VerifyOptions> = {}, before: () => void = () => undefined): Promise<Run> {
    const restore = await useCredentials(endpoint, dir);
    let out = "";
    let err = "";
    try {
        before();
        const code = await runVerify({ stack: "prod", root: dir, endpoint, out: (t) => (out += t), err: (t) => (err += t), ...options });
        return { code, out, err };
    } finally {
        restore();
    }
}

/** The report's line that contains `text` (one line per check), or a failure listing the report. */
export function lineWith(out: string, text: string): string {
    const line = out.split("\n").find((l) => l.includes(text));
    if (!line) throw new Error(`no line contains ${JSON.stringify(text)} in:\n${out}`);
    return line;
}
