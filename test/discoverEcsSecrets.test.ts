import * as assert from "assert";
import { mockClient } from "aws-sdk-client-mock";
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { ContainerDefinition, DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from "@aws-sdk/client-ecs";
import { DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { EcsConfig, StackConfig } from "../config/schema";
import { validateStackConfig } from "../config/validate";
import { AccountSession } from "../tools/discover/aws";
import { discoverEcs, liveSecrets } from "../tools/discover/ecs";
import { Discovery } from "../tools/discover/findings";
import { report } from "../tools/discover/report";
import { resolveSecrets } from "../tools/discover/secrets";
import { projectConfig, stackFileConfig } from "./fixtures";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** A recognisable secret: it must appear in no finding, no report line and no written value. */
const CANARY = "CanaryT0kenQz7Xw2Lp9Rv4Nm8Kd3Hs";
const ACCOUNT = "905418046272";
const DB_SECRET = `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:sandbox/db-password-AbC123`;

function prodConfig(edit: (config: Record<string, any>) => void = () => undefined): StackConfig {
    const raw = projectConfig(stackFileConfig("prod")) as Record<string, any>;
    edit(raw);
    const result = validateStackConfig(raw);
    if (!result.ok) throw new Error(result.problems.join("\n"));
    return result.config;
}

function session(config: StackConfig, part: "ecs" | "appRunner"): AccountSession {
    const account = part === "ecs" ? config.ecs!.account : config.appRunner!.account;
    const credentials = async () => ({ accessKeyId: "testing", secretAccessKey: "testing" });
    return { part, account, clientConfig: { region: account.region, credentials: credentials as never } };
}

/** The live ECS account through aws-sdk-client-mock: an API service on revision 8 and a worker. */
function liveEcs(api: ContainerDefinition, workerCommand: string[] = ["python", "-m", "app.worker"]) {
    const ecs = mockClient(ECSClient);
    const service = (name: string, taskDefinition: string) => ({
        serviceName: name,
        status: "ACTIVE",
        desiredCount: 1,
        runningCount: 1,
        launchType: "FARGATE" as const,
        taskDefinition: `arn:aws:ecs:eu-central-1:${ACCOUNT}:task-definition/${taskDefinition}`,
        deployments: [{ id: "ecs-svc/1", status: "PRIMARY", rolloutState: "COMPLETED" as const }],
        networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-0123456789abcdef0"], assignPublicIp: "DISABLED" as const } },
    });
    ecs.on(DescribeServicesCommand).resolves({
        services: [service("sandbox-broker", "sandbox-broker:8"), service("sandbox-broker-worker", "sandbox-broker-worker:1")],
    });
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: `arn:aws:ecs:eu-central-1:${ACCOUNT}:task-definition/sandbox-broker:8` }).resolves({
        taskDefinition: { family: "sandbox-broker", revision: 8, cpu: "1024", memory: "2048", containerDefinitions: [api] },
    });
    ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: `arn:aws:ecs:eu-central-1:${ACCOUNT}:task-definition/sandbox-broker-worker:1` }).resolves({
        taskDefinition: { family: "sandbox-broker-worker", revision: 1, containerDefinitions: [{ name: "worker", command: workerCommand }] },
    });
    const logs = mockClient(CloudWatchLogsClient);
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: "/ecs/sandbox-broker-api" }, { logGroupName: "/ecs/sandbox-broker-worker" }] });
    const ec2 = mockClient(EC2Client);
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: "subnet-0123456789abcdef0", VpcId: "vpc-0123456789abcdef0" }] });
    return () => [ecs, logs, ec2].forEach((m) => m.restore());
}

const API: ContainerDefinition = {
    name: "sandbox-broker-api",
    image: `${ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api@sha256:${"ab".repeat(32)}`,
    portMappings: [{ containerPort: 8000 }],
    command: ["uvicorn", "app.main:app", "--port", "8000"],
};

async function discoverWith(api: ContainerDefinition, config = prodConfig(), workerCommand?: string[]): Promise<Discovery> {
    const restore = liveEcs(api, workerCommand);
    try {
        return await discoverEcs(session(config, "ecs"), config.ecs as EcsConfig);
    } finally {
        restore();
    }
}

const everything = (d: Discovery) =>
    JSON.stringify(d) + report({ discovery: d, applied: [], dropped: [], before: "", after: "", fileName: "Pulumi.prod.yaml" });

describe("discover: the live API container's secrets go into ecs.api.secrets", () => {
    it("writes each name → valueFrom ARN, a bare SSM parameter name as its ARN, and no longer calls them keyless", async () => {
        const d = await discoverWith({
            ...API,
            secrets: [
                { name: "DB_PASSWORD", valueFrom: DB_SECRET },
                { name: "API_TOKEN", valueFrom: "/sandbox/api-token" },
            ],
        });
        const change = d.changes.find((c) => c.path.join(".") === "api.secrets");
        assert.deepStrictEqual(change, {
            part: "ecs",
            path: ["api", "secrets"],
            value: { DB_PASSWORD: DB_SECRET, API_TOKEN: `arn:aws:ssm:eu-central-1:${ACCOUNT}:parameter/sandbox/api-token` },
            source: "ecs:DescribeTaskDefinition sandbox-broker:8 container sandbox-broker-api secrets",
        });
        assert.ok(!d.facts.some((f) => f.includes("no key")), d.facts.join("\n"));
        // What discover writes is what the program's schema accepts.
        const written = prodConfig((raw) => (raw.ecs.api.secrets = change!.value));
        assert.deepStrictEqual(written.ecs!.api.secrets, change!.value);
    });

    it("keeps a configured secretValues reference, and warns about a valueFrom it cannot express instead of dropping it silently", async () => {
        const config = prodConfig((raw) => {
            raw.ecs.api.secrets = { DB_PASSWORD: "secretValues.DB_PASSWORD" };
            raw.secretValues = { DB_PASSWORD: "[secret]" };
        });
        const jsonKey = `arn:aws:secretsmanager:eu-central-1:${ACCOUNT}:secret:sandbox/all-AbC123:password::`;
        const d = await discoverWith(
            {
                ...API,
                secrets: [
                    { name: "DB_PASSWORD", valueFrom: DB_SECRET },
                    { name: "SMTP_PASSWORD", valueFrom: jsonKey },
                ],
            },
            config,
        );
        assert.deepStrictEqual(d.changes.find((c) => c.path.join(".") === "api.secrets")?.value, { DB_PASSWORD: "secretValues.DB_PASSWORD" });
        assert.ok(
            d.checks.some((c) => c.level === "warn" && c.message.startsWith(`ecs.api.secrets.SMTP_PASSWORD: the live valueFrom ${jsonKey} names a JSON key`)),
            JSON.stringify(d.checks),
        );
    });

    it("confirms ecs.api.secrets when neither the container nor the config has any", async () => {
        const d = await discoverWith(API);
        assert.ok(d.confirmed.includes("ecs.api.secrets"));
        assert.ok(!d.changes.some((c) => c.path.join(".") === "api.secrets"));
    });

    it("turns a bare valueFrom into the SSM parameter ARN of the task's account and region", () => {
        const account = { id: ACCOUNT, region: "eu-central-1" };
        assert.deepStrictEqual(liveSecrets([{ name: "A", valueFrom: "plain-name" }, { name: "B" }], account), {
            map: { A: `arn:aws:ssm:eu-central-1:${ACCOUNT}:parameter/plain-name` },
            unsupported: [],
        });
    });
});

describe("discover: a live command with a secret-looking argument is never copied or printed", () => {
    it("leaves ecs.api.command out and says which argument looked secret and why", async () => {
        const d = await discoverWith({ ...API, command: ["sh", "-c", `API_TOKEN=${CANARY} exec uvicorn app.main:app`] });
        assert.ok(!d.changes.some((c) => c.path.join(".") === "api.command"));
        assert.ok(!d.confirmed.includes("ecs.api.command"));
        assert.ok(
            d.checks.some(
                (c) =>
                    c.level === "warn" &&
                    c.message.startsWith(
                        "ecs.api.command: the live command (ecs:DescribeTaskDefinition sandbox-broker:8 container sandbox-broker-api) is not copied: command[2] (a NAME=value part where its name contains TOKEN) looks secret",
                    ),
            ),
            JSON.stringify(d.checks),
        );
        assert.ok(!everything(d).includes(CANARY));
    });

    it("copies a plain command as before", async () => {
        const d = await discoverWith(API);
        assert.deepStrictEqual(d.changes.find((c) => c.path.join(".") === "api.command")?.value, API.command);
    });

    it("does not print the worker's live command when it looks secret", async () => {
        const d = await discoverWith(API, prodConfig(), ["python", "-m", "app.worker", `--db-password=${CANARY}`]);
        assert.ok(
            d.facts.includes(
                "ECS worker sandbox-broker-worker runs a command other than ecs.worker.command; neither is printed, as the live one has command[3] (a --flag=value part where its name contains PASSWORD) that looks secret",
            ),
            d.facts.join("\n"),
        );
        assert.ok(!everything(d).includes(CANARY));
    });

    it("does not print a command the stack file already holds when it looks secret", () => {
        const text = report({
            discovery: { changes: [], checks: [], facts: [], secretsToCreate: [], confirmed: [], open: [] },
            applied: [{ part: "ecs", path: ["api", "command"], before: ["app", "--token", CANARY], value: ["app"], source: "test" }],
            dropped: [],
            before: "",
            after: "",
            fileName: "Pulumi.prod.yaml",
        });
        assert.ok(text.includes(`ecs.api.command: (not shown: command[2] (its value is a long random-looking string) looks secret) → ["app"]`), text);
        assert.ok(!text.includes(CANARY));
    });
});

describe("discover: secretValues references are the program's own, not secrets to look up", () => {
    it("skips them without a DescribeSecret call and still checks the others", async () => {
        const config = prodConfig((raw) => {
            raw.appRunner.service.secrets = { DATABASE_URL: "nerava/prod/DATABASE_URL", TWILIO_AUTH_TOKEN: "secretValues.TWILIO_AUTH_TOKEN" };
            raw.secretValues = { TWILIO_AUTH_TOKEN: "[secret]" };
        });
        const sm = mockClient(SecretsManagerClient);
        sm.on(DescribeSecretCommand).rejects(Object.assign(new Error("not found"), { name: "ResourceNotFoundException" }));
        sm.on(DescribeSecretCommand, { SecretId: "nerava/prod/DATABASE_URL" }).resolves({
            Name: "nerava/prod/DATABASE_URL",
            ARN: "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/DATABASE_URL-Xy12Ab",
        });
        try {
            const d = await resolveSecrets(session(config, "appRunner"), "appRunner", ["service", "secrets"], config.appRunner!.service.secrets);
            assert.deepStrictEqual(
                sm.commandCalls(DescribeSecretCommand).map((c) => c.args[0].input.SecretId),
                ["nerava/prod/DATABASE_URL"],
            );
            assert.deepStrictEqual(
                d.checks.filter((c) => c.level !== "ok"),
                [],
            );
            assert.ok(
                d.checks.some(
                    (c) =>
                        c.message === "appRunner.service.secrets.TWILIO_AUTH_TOKEN: secretValues.TWILIO_AUTH_TOKEN, which the program stores; nothing to read",
                ),
            );
            assert.deepStrictEqual(d.confirmed, ["appRunner.service.secrets"]);
        } finally {
            sm.restore();
        }
    });
});
