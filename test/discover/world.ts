import * as fs from "fs";
import * as path from "path";
import { mockClient } from "aws-sdk-client-mock";
import {
    AppRunnerClient,
    DescribeServiceCommand,
    ListOperationsCommand,
    ListServicesCommand,
    ListVpcConnectorsCommand,
    VpcConnector,
} from "@aws-sdk/client-apprunner";
import { tempDir } from "../tempDirs";
import { APP_RUNNER_ACCOUNT, credentialsIn, DATABASE_PASSWORD, ECS_ACCOUNT, SeededWorld } from "./seedAccounts";

const REPO = path.resolve(__dirname, "../..");
export const SERVICE_ARN = `arn:aws:apprunner:us-east-1:${APP_RUNNER_ACCOUNT}:service/nerava-backend/88e85a3063c14ea9a1e39f8fdf3c35e3`;
export const CONNECTOR_ARN = `arn:aws:apprunner:us-east-1:${APP_RUNNER_ACCOUNT}:vpcconnector/nerava-vpc-connector/1/b07c0001ddf341b8b426d7fa83d93ad8`;

/** The live service's 28 variables (seed 003): plain ones, and ones whose name or value is secret. */
export const LIVE_ENV: Record<string, string> = {
    ENV: "prod",
    OTP_PROVIDER: "twilio_verify",
    SKIP_STARTUP_VALIDATION: "true",
    DATABASE_URL: `postgresql+psycopg2://nerava_admin:${DATABASE_PASSWORD}@nerava-db.c27i820wot9o.us-east-1.rds.amazonaws.com:5432/nerava`,
    REDIS_URL: "redis://nerava-redis.yagp9v.ng.0001.use1.cache.amazonaws.com:6379/0",
    TWILIO_AUTH_TOKEN: DATABASE_PASSWORD,
    JWT_SECRET: DATABASE_PASSWORD,
    STRIPE_SECRET_KEY: `sk_live_${DATABASE_PASSWORD}`,
    HUBSPOT_API_KEY: DATABASE_PASSWORD,
    SMTP_PASSWORD: DATABASE_PASSWORD,
    SENTRY_DSN: `https://abc:${DATABASE_PASSWORD}@o1.ingest.sentry.io/2`,
    SIGNING_SALT: DATABASE_PASSWORD,
    TWILIO_TIMEOUT_SECONDS: "10",
    PUBLIC_BASE_URL: "https://api.nerava.network",
    FRONTEND_URL: "https://app.nerava.network",
    CORS_ORIGINS: "https://app.nerava.network,https://nerava.network",
    LOG_LEVEL: "INFO",
    AWS_REGION: "us-east-1",
    S3_BUCKET: "nerava-prod-uploads",
    SMTP_HOST: "email-smtp.us-east-1.amazonaws.com",
    SMTP_PORT: "587",
    SMTP_USER: "nerava-mailer",
    FEATURE_FLAGS: "otp,photos",
    RATE_LIMIT_PER_MINUTE: "120",
    WEB_CONCURRENCY: "2",
    TZ: "UTC",
    OTP_CODE_LENGTH: "6",
    CACHE_TTL_SECONDS: "300",
};
export const SECRET_LOOKING = ["HUBSPOT_API_KEY", "JWT_SECRET", "SENTRY_DSN", "SIGNING_SALT", "SMTP_PASSWORD", "STRIPE_SECRET_KEY", "TWILIO_AUTH_TOKEN"];

/** Pulumi.prod.yaml with the seeds' ids replaced by the ids moto gave the seeded resources. */
export function projectDir(world: SeededWorld, edit: (text: string) => string = (t) => t): string {
    const dir = tempDir("discover-");
    fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    const ids: Record<string, string> = {
        "vpc-0070057532e81973b": world.appRunner.vpcId,
        "subnet-0c3e9b306737c3fb2": world.appRunner.connectorSubnetIds[0],
        "subnet-0dd152da6d977861c": world.appRunner.connectorSubnetIds[1],
        "subnet-09f0b6b22836f635b": world.appRunner.privateSubnetId,
        "sg-00bc5ec63287eacdd": world.appRunner.connectorSgId,
        "sg-0e4cc786d9053f05f": world.appRunner.rdsSgId,
    };
    let text = fs.readFileSync(path.join(REPO, "Pulumi.prod.yaml"), "utf8");
    for (const [seed, moto] of Object.entries(ids)) text = text.split(seed).join(moto);
    fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), edit(text));
    return dir;
}

/** What the mocked App Runner account holds, where a test needs other than the seeds. */
export interface AppRunnerOptions {
    readonly operationStatus?: string;
    readonly serviceArn?: string;
    /** The connectors ListVpcConnectors returns. @default the seeds' one revision */
    readonly connectors?: VpcConnector[];
    /** The connector the service's egress uses. @default CONNECTOR_ARN */
    readonly egressConnectorArn?: string;
}

/** The seeds' connector, revision 1, in the seeded subnets and group. */
export function seededConnector(world: SeededWorld, fields: Partial<VpcConnector> = {}): VpcConnector {
    return {
        VpcConnectorName: "nerava-vpc-connector",
        VpcConnectorArn: CONNECTOR_ARN,
        VpcConnectorRevision: 1,
        Subnets: [...world.appRunner.connectorSubnetIds],
        SecurityGroups: [world.appRunner.connectorSgId],
        Status: "ACTIVE",
        ...fields,
    };
}

/** App Runner is not served by moto: its four read calls answer from the seeds through aws-sdk-client-mock. */
export function mockAppRunner(world: SeededWorld, options: AppRunnerOptions = {}) {
    const mock = mockClient(AppRunnerClient);
    const serviceArn = options.serviceArn ?? SERVICE_ARN;
    mock.on(ListVpcConnectorsCommand).resolves({ VpcConnectors: options.connectors ?? [seededConnector(world)] });
    mock.on(ListServicesCommand).resolves({
        ServiceSummaryList: [{ ServiceName: "nerava-backend", ServiceArn: serviceArn, ServiceId: serviceArn.split("/").pop(), Status: "RUNNING" } as never],
    });
    mock.on(DescribeServiceCommand).resolves({
        Service: {
            ServiceArn: serviceArn,
            ServiceName: "nerava-backend",
            Status: options.operationStatus ? "OPERATION_IN_PROGRESS" : "RUNNING",
            SourceConfiguration: {
                ImageRepository: {
                    ImageIdentifier: `${APP_RUNNER_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/nerava-backend:v19-photo-fix`,
                    ImageRepositoryType: "ECR",
                    ImageConfiguration: { Port: "8000", RuntimeEnvironmentVariables: LIVE_ENV },
                },
            },
            NetworkConfiguration: { EgressConfiguration: { EgressType: "VPC", VpcConnectorArn: options.egressConnectorArn ?? CONNECTOR_ARN } },
        } as never,
    });
    mock.on(ListOperationsCommand).resolves({
        OperationSummaryList: [
            { Id: "5d416989a4dd485dabb43390ef72e3a6", Type: "UPDATE_SERVICE", Status: (options.operationStatus ?? "ROLLBACK_SUCCEEDED") as never },
            { Id: "4dd37102e9c849d4a3c6ad7b929b31f7", Type: "UPDATE_SERVICE", Status: "ROLLBACK_SUCCEEDED" },
        ],
    });
    return mock;
}

/**
 * Credentials as the program's providers take them: ambient (environment) for the App Runner
 * account, which has no profile, and the `okta-sso` profile for the ECS account.
 */
export async function useCredentials(endpoint: string, dir: string, overrides: { appRunner?: string; ecs?: string } = {}): Promise<() => void> {
    const saved = { ...process.env };
    const appRunner = await credentialsIn(endpoint, overrides.appRunner ?? APP_RUNNER_ACCOUNT);
    const ecs = await credentialsIn(endpoint, overrides.ecs ?? ECS_ACCOUNT);
    const credentialsFile = path.join(dir, "aws-credentials");
    fs.writeFileSync(
        credentialsFile,
        `[okta-sso]\naws_access_key_id = ${ecs.accessKeyId}\naws_secret_access_key = ${ecs.secretAccessKey}\naws_session_token = ${ecs.sessionToken}\n`,
    );
    Object.assign(process.env, {
        AWS_ACCESS_KEY_ID: appRunner.accessKeyId,
        AWS_SECRET_ACCESS_KEY: appRunner.secretAccessKey,
        AWS_SESSION_TOKEN: appRunner.sessionToken,
        AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
        AWS_CONFIG_FILE: path.join(dir, "aws-config-absent"),
        AWS_EC2_METADATA_DISABLED: "true",
    });
    delete process.env.AWS_PROFILE;
    return () => {
        for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
        Object.assign(process.env, saved);
    };
}
