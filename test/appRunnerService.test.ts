import * as assert from "assert";
import { AppRunnerService, AppRunnerServiceArgs, appRunnerServiceProblems } from "../components/appRunnerService";
import { underMocks } from "./harness";

const good: AppRunnerServiceArgs = {
    account: { id: "566287346479", region: "us-east-1" },
    serviceName: "nerava-backend",
    image: "566287346479.dkr.ecr.us-east-1.amazonaws.com/nerava-backend:v19-photo-fix",
    vpcConnectorArn: "arn:aws:apprunner:us-east-1:566287346479:vpcconnector/nerava-vpc-connector/1/b07c",
    healthCheck: { protocol: "HTTP", path: "/health", interval: 10, timeout: 10, unhealthyThreshold: 10 },
    secrets: { DATABASE_URL: "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/DATABASE_URL" },
};

describe("AppRunnerService", () => {
    it("accepts the remediated prod settings", () => {
        assert.deepStrictEqual(appRunnerServiceProblems(good), []);
    });

    it("refuses the runbook's 30-second timeout, naming the allowed range", () => {
        const problems = appRunnerServiceProblems({ ...good, healthCheck: { ...good.healthCheck, timeout: 30 } });
        assert.deepStrictEqual(problems, ["`healthCheck.timeout` must be 1–20 seconds (App Runner limit); got 30"]);
    });

    it("refuses a path on a TCP health check and thresholds out of range", () => {
        const problems = appRunnerServiceProblems({ ...good, healthCheck: { protocol: "TCP", path: "/health", unhealthyThreshold: 21 } });
        assert.strictEqual(problems.length, 2);
        assert.match(problems[0], /`healthCheck.path` applies only to the HTTP protocol/);
        assert.match(problems[1], /`healthCheck.unhealthyThreshold` must be 1–20 checks/);
    });

    it("refuses a CPU/memory pair App Runner does not offer", () => {
        const [problem] = appRunnerServiceProblems({ ...good, cpu: "0.25 vCPU", memory: "2 GB" });
        assert.match(problem, /`instance.cpu` and memory must be an App Runner pair \(0.25 vCPU → 0.5\/1 GB;.*got cpu "0.25 vCPU", memory "2 GB"/);
    });

    it("refuses :latest and untagged images", () => {
        assert.match(appRunnerServiceProblems({ ...good, image: "repo/app:latest" })[0], /moving tag :latest/);
        assert.match(appRunnerServiceProblems({ ...good, image: "repo/app" })[0], /has no tag/);
    });

    it("refuses a secret given as a value", () => {
        assert.match(
            appRunnerServiceProblems({ ...good, secrets: { DATABASE_URL: "postgresql://u:p@h/db" } })[0],
            /^`secrets.DATABASE_URL` must be a Secrets Manager secret ARN or name .*never a value$/,
        );
    });

    it("grants a secret given without its random suffix as AWS checks it (`name-??????`), and passes App Runner the full ARN", async () => {
        const { mocks } = await underMocks(
            () => new AppRunnerService("app", { ...good, secrets: { DATABASE_URL: good.secrets!.DATABASE_URL, REDIS_URL: "nerava/prod/REDIS_URL" } }),
        );
        const policy = JSON.parse(mocks.named("app-read-secrets").inputs.policy as string);
        assert.deepStrictEqual(policy.Statement, [
            {
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue"],
                Resource: [
                    "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/DATABASE_URL-??????",
                    "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/REDIS_URL-??????",
                ],
            },
        ]);
        const secrets = (mocks.named("app-service").inputs.sourceConfiguration as any).imageRepository.imageConfiguration.runtimeEnvironmentSecrets;
        assert.match(secrets.DATABASE_URL, /^arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava\/prod\/DATABASE_URL-[0-9a-f]{6}$/);
        assert.match(secrets.REDIS_URL, /^arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava\/prod\/REDIS_URL-[0-9a-f]{6}$/);
    });

    it("starts the service only after its roles' permissions exist, not only the roles", async () => {
        const { mocks } = await underMocks(() => new AppRunnerService("app", good));
        const dependencies = mocks.optionsOf("app-service").dependencies;
        for (const permission of ["app-read-secrets", "app-access-ecr"]) {
            assert.ok(dependencies.includes(mocks.optionsOf(permission).urn), `app-service does not wait for ${permission}: ${dependencies.join(", ")}`);
        }
    });

    it("lets the instance role read exactly the configured secrets and creates an ECR access role when none is given", async () => {
        const full = "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/DATABASE_URL-AbC123";
        const { mocks } = await underMocks(() => new AppRunnerService("app", { ...good, secrets: { DATABASE_URL: full } }));
        const policy = JSON.parse(mocks.named("app-read-secrets").inputs.policy as string);
        assert.deepStrictEqual(policy.Statement, [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [full] }]);
        assert.strictEqual(mocks.named("app-access-ecr").inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AWSAppRunnerServicePolicyForECRAccess");
        const service = mocks.named("app-service");
        assert.strictEqual((service.inputs.healthCheckConfiguration as any).healthyThreshold, 1);
        assert.strictEqual(service.inputs.autoScalingConfigurationArn, undefined);
    });

    it("passes each health-check value to its own field, and App Runner's defaults where unset", async () => {
        const distinct = { protocol: "HTTP" as const, path: "/health", interval: 7, timeout: 3, healthyThreshold: 2, unhealthyThreshold: 9 };
        const { mocks } = await underMocks(() => new AppRunnerService("app", { ...good, healthCheck: distinct }));
        assert.deepStrictEqual(mocks.named("app-service").inputs.healthCheckConfiguration, distinct);
        const defaults = await underMocks(() => new AppRunnerService("app", { ...good, healthCheck: undefined }));
        assert.deepStrictEqual(defaults.mocks.named("app-service").inputs.healthCheckConfiguration, {
            protocol: "HTTP",
            path: "/",
            interval: 5,
            timeout: 2,
            healthyThreshold: 1,
            unhealthyThreshold: 5,
        });
        const tcp = await underMocks(() => new AppRunnerService("app", { ...good, healthCheck: { protocol: "TCP" } }));
        assert.strictEqual((tcp.mocks.named("app-service").inputs.healthCheckConfiguration as any).path, undefined);
    });

    it("attaches an auto-scaling configuration when asked", async () => {
        const { mocks } = await underMocks(() => new AppRunnerService("app", { ...good, autoScaling: { minSize: 1, maxSize: 3, maxConcurrency: 80 } }));
        const scaling = mocks.named("app-autoscaling");
        assert.strictEqual(scaling.inputs.maxSize, 3);
        assert.strictEqual(mocks.named("app-service").inputs.autoScalingConfigurationArn, scaling.state.arn);
    });
});
