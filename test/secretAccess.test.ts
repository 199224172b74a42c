import * as assert from "assert";
import { EcsWorker, EcsWorkerArgs, ecsWorkerProblems } from "../components/ecsWorker";
import { secretReadStatements } from "../components/secretAccess";
import { underMocks } from "./harness";

const SM_NAME = "arn:aws:secretsmanager:eu-central-1:905418046272:secret:sandbox-broker/prod/DB_PASSWORD";
const SM_FULL = "arn:aws:secretsmanager:eu-central-1:905418046272:secret:sandbox-broker/prod/API_TOKEN-Ab12Cd";
const SSM = "arn:aws:ssm:eu-central-1:905418046272:parameter/sandbox-broker/prod/SENTRY_DSN";
const KMS = "arn:aws:kms:eu-central-1:905418046272:key/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

const ACCOUNT = { id: "905418046272", region: "eu-central-1" };

describe("secret access (IAM for the secrets a service references)", () => {
    it("grants a secret given by name or partial ARN through AWS's six-character suffix, and a full ARN exactly", () => {
        assert.deepStrictEqual(secretReadStatements([SM_NAME, SM_FULL, "sandbox-broker/prod/SENTRY_KEY"], ACCOUNT), [
            {
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue"],
                Resource: [
                    SM_FULL,
                    `${SM_NAME}-??????`,
                    "arn:aws:secretsmanager:eu-central-1:905418046272:secret:sandbox-broker/prod/SENTRY_KEY-??????",
                ].sort(),
            },
        ]);
    });

    it("allows SSM parameters through ssm:GetParameters, and kms:Decrypt only with a key and something to read", () => {
        assert.deepStrictEqual(secretReadStatements([SM_NAME, SSM, SM_FULL, SM_NAME], ACCOUNT, KMS), [
            { Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [SM_FULL, `${SM_NAME}-??????`].sort() },
            { Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [SSM] },
            { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KMS] },
        ]);
        assert.deepStrictEqual(secretReadStatements([SSM], ACCOUNT), [{ Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [SSM] }]);
        assert.deepStrictEqual(secretReadStatements([], ACCOUNT, KMS), []);
    });
});

describe("EcsWorker secrets", () => {
    const args: EcsWorkerArgs = {
        baseName: "sandbox-broker",
        clusterName: "sandbox-broker-cluster",
        region: "eu-central-1",
        account: ACCOUNT,
        vpcId: "vpc-0abc0abc0abc0abc0",
        subnetIds: ["subnet-0abc0abc0abc0abc1"],
        secretsKmsKeyArn: KMS,
        api: {
            image: "905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:v9",
            desiredCount: 2,
            containerPort: 8080,
            env: { LOG_LEVEL: "info" },
            secrets: { DB_PASSWORD: SM_NAME, SENTRY_DSN: SSM, BROKER_KEY: "sandbox-broker/prod/BROKER_KEY" },
        },
        worker: { desiredCount: 1, secrets: { API_TOKEN: SM_FULL } },
    };

    it("injects each secret with valueFrom as a full ARN (ECS reads a bare name as an SSM parameter), next to the plain environment", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", args));
        const [api] = JSON.parse(mocks.named("w-api-task").inputs.containerDefinitions as string);
        const [worker] = JSON.parse(mocks.named("w-worker-task").inputs.containerDefinitions as string);
        // A name resolves where the provider looks it up (here the mocks' default account; the program passes the ECS one).
        const fullArn = /^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:sandbox-broker\/prod\/(DB_PASSWORD|BROKER_KEY)-[A-Za-z0-9]{6}$/;
        assert.deepStrictEqual(
            api.secrets.map((s: { name: string }) => s.name),
            ["DB_PASSWORD", "SENTRY_DSN", "BROKER_KEY"],
        );
        assert.match(api.secrets[0].valueFrom, fullArn);
        assert.ok(api.secrets[0].valueFrom.startsWith(`${SM_NAME}-`));
        assert.strictEqual(api.secrets[1].valueFrom, SSM);
        assert.match(api.secrets[2].valueFrom, fullArn);
        assert.deepStrictEqual(api.environment, [{ name: "LOG_LEVEL", value: "info" }]);
        assert.deepStrictEqual(worker.secrets, [{ name: "API_TOKEN", valueFrom: SM_FULL }]);
    });

    it("lets the execution role read exactly the API's and worker's secrets and decrypt with the configured key", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", args));
        const policy = mocks.named("w-read-secrets");
        assert.strictEqual(policy.inputs.role, mocks.named("w-execution-role").id);
        assert.deepStrictEqual(JSON.parse(policy.inputs.policy as string).Statement, [
            {
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue"],
                Resource: [
                    SM_FULL,
                    `${SM_NAME}-??????`,
                    "arn:aws:secretsmanager:eu-central-1:905418046272:secret:sandbox-broker/prod/BROKER_KEY-??????",
                ].sort(),
            },
            { Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [SSM] },
            { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [KMS] },
        ]);
    });

    it("creates no secrets policy and no secrets field when nothing is referenced", async () => {
        const plain = { ...args, api: { ...args.api, secrets: {} }, worker: { desiredCount: 1 } };
        const { mocks } = await underMocks(() => new EcsWorker("w", plain));
        assert.ok(!mocks.resources.some((r) => r.name === "w-read-secrets"));
        assert.strictEqual(JSON.parse(mocks.named("w-api-task").inputs.containerDefinitions as string)[0].secrets, undefined);
    });

    it("refuses a value in place of an ARN, and a name in both env and secrets, without echoing the value", () => {
        const problems = ecsWorkerProblems({
            ...args,
            api: { ...args.api, env: { DB_PASSWORD: "x" }, secrets: { DB_PASSWORD: SM_NAME } },
            worker: { desiredCount: 1, secrets: { API_TOKEN: "postgresql://u:s3cr3t-CANARY-9d2f@db/x" } },
        });
        assert.deepStrictEqual(problems, [
            "`api.env.DB_PASSWORD` is also in secrets; keep it in secrets only",
            "`worker.secrets.API_TOKEN` must be a Secrets Manager secret ARN or name (letters, digits and /_+=.@-), or an SSM parameter ARN, never a value",
        ]);
    });
});
