import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { AppRunnerService, AppRunnerServiceArgs, appRunnerServiceProblems, STORED_VALUES_REVISION } from "../components/appRunnerService";
import { APP_RUNNER_SERVICE } from "../components/liveProperties";
import { underMocks } from "./harness";

const good: AppRunnerServiceArgs = {
    account: { id: "566287346479", region: "us-east-1" },
    serviceName: "nerava-backend",
    image: "566287346479.dkr.ecr.us-east-1.amazonaws.com/nerava-backend:v19-photo-fix",
    vpcConnectorArn: "arn:aws:apprunner:us-east-1:566287346479:vpcconnector/nerava-vpc-connector/1/b07c",
    healthCheck: { protocol: "HTTP", path: "/health", interval: 10, timeout: 10, unhealthyThreshold: 10 },
    secrets: { DATABASE_URL: "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/DATABASE_URL" },
};

const STORED = "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/TOKEN-Qw12Er";

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

describe("AppRunnerService resources", () => {
    const sourceOf = (mocks: { named(n: string): { inputs: Record<string, unknown> } }) => mocks.named("app-service").inputs.sourceConfiguration as any;

    it("registers every resource as a child of the component", async () => {
        const { mocks } = await underMocks(
            () => new AppRunnerService("app", { ...good, storedSecrets: { TOKEN: STORED }, autoScaling: { minSize: 1, maxSize: 3, maxConcurrency: 80 } }),
        );
        const names = mocks.resources.filter((r) => r.custom).map((r) => r.name);
        assert.deepStrictEqual(names.sort(), [
            "app-access-ecr",
            "app-access-role",
            "app-autoscaling",
            "app-instance-role",
            "app-read-secrets",
            "app-read-stored-secrets",
            "app-service",
        ]);
        for (const name of names) assert.match(mocks.optionsOf(name).urn, /::egress-remediation:apprunner:AppRunnerService\$aws:/, name);
        // The adopted service keeps using every one of them after a step back to adopt: none is deleted then.
        for (const name of names.filter((n) => n !== "app-service"))
            assert.deepStrictEqual([mocks.optionsOf(name).protect, mocks.optionsOf(name).retainOnDelete], [false, true], name);
    });

    it("names the auto-scaling configuration after the service within App Runner's 32 characters, with the given bounds", async () => {
        const serviceName = "nerava-backend-with-a-long-service-name";
        const { mocks } = await underMocks(
            () => new AppRunnerService("app", { ...good, serviceName, autoScaling: { minSize: 2, maxSize: 5, maxConcurrency: 80 } }),
        );
        const scaling = mocks.named("app-autoscaling").inputs;
        assert.deepStrictEqual(
            [scaling.autoScalingConfigurationName, scaling.minSize, scaling.maxSize, scaling.maxConcurrency],
            [`${serviceName}-as`.slice(0, 32), 2, 5, 80],
        );
        assert.strictEqual((scaling.autoScalingConfigurationName as string).length, 32);
        assert.deepStrictEqual(mocks.optionsOf("app-service").ignoreChanges, [...APP_RUNNER_SERVICE.leftAlone]);
        const { mocks: none } = await underMocks(() => new AppRunnerService("app", good));
        assert.deepStrictEqual(none.optionsOf("app-service").ignoreChanges, [...APP_RUNNER_SERVICE.leftAlone, "autoScalingConfigurationArn"]);
    });

    it("deploys the pinned image from private ECR on port 8000 by default, only when `pulumi up` says so", async () => {
        const { mocks } = await underMocks(() => new AppRunnerService("app", good));
        const source = sourceOf(mocks);
        assert.strictEqual(mocks.named("app-service").inputs.serviceName, "nerava-backend");
        assert.strictEqual(source.autoDeploymentsEnabled, false);
        assert.strictEqual(source.authenticationConfiguration.accessRoleArn, mocks.named("app-access-role").state.arn);
        assert.deepStrictEqual([source.imageRepository.imageIdentifier, source.imageRepository.imageRepositoryType], [good.image, "ECR"]);
        assert.strictEqual(source.imageRepository.imageConfiguration.port, "8000");
        const image = "public.ecr.aws/nginx/nginx:1.27";
        const { mocks: pub } = await underMocks(() => new AppRunnerService("app", { ...good, image, port: 8080 }));
        assert.deepStrictEqual(
            [sourceOf(pub).imageRepository.imageRepositoryType, sourceOf(pub).imageRepository.imageConfiguration.port],
            ["ECR_PUBLIC", "8080"],
        );
    });

    it("uses a given access role instead of creating one", async () => {
        const accessRoleArn = "arn:aws:iam::566287346479:role/service-role/AppRunnerECRAccessRole";
        const { mocks } = await underMocks(() => new AppRunnerService("app", { ...good, accessRoleArn }));
        assert.strictEqual(sourceOf(mocks).authenticationConfiguration.accessRoleArn, accessRoleArn);
        assert.ok(!mocks.resources.some((r) => r.name === "app-access-role" || r.name === "app-access-ecr"));
    });

    it("lets App Runner's build service assume the access role and its tasks assume the instance role", async () => {
        const { mocks } = await underMocks(() => new AppRunnerService("app", good));
        const trust = (service: string) => ({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
        });
        const access = mocks.named("app-access-role").inputs;
        const instance = mocks.named("app-instance-role").inputs;
        assert.deepStrictEqual(JSON.parse(access.assumeRolePolicy as string), trust("build.apprunner.amazonaws.com"));
        assert.deepStrictEqual(JSON.parse(instance.assumeRolePolicy as string), trust("tasks.apprunner.amazonaws.com"));
        assert.deepStrictEqual(
            [access.description, instance.description],
            ["App Runner pulls images from ECR", "App Runner service instances: read configured secrets"],
        );
        assert.strictEqual(mocks.named("app-access-ecr").inputs.role, mocks.named("app-access-role").state.name);
        assert.strictEqual(mocks.named("app-read-secrets").inputs.role, mocks.named("app-instance-role").id);
        assert.strictEqual(JSON.parse(mocks.named("app-read-secrets").inputs.policy as string).Version, "2012-10-17");
        const service = mocks.named("app-service").inputs;
        assert.strictEqual((service.instanceConfiguration as any).instanceRoleArn, mocks.named("app-instance-role").state.arn);
        assert.deepStrictEqual(
            { ...(service.instanceConfiguration as any), instanceRoleArn: undefined },
            { cpu: "1024", memory: "2048", instanceRoleArn: undefined },
        );
    });

    it("reads SSM parameters with ssm:GetParameters, and creates no policy when no secret is configured", async () => {
        const ssm = "arn:aws:ssm:us-east-1:566287346479:parameter/nerava/prod/SENTRY_DSN";
        const { mocks } = await underMocks(() => new AppRunnerService("app", { ...good, secrets: { SENTRY_DSN: ssm } }));
        assert.deepStrictEqual(JSON.parse(mocks.named("app-read-secrets").inputs.policy as string).Statement, [
            { Effect: "Allow", Action: ["ssm:GetParameters"], Resource: [ssm] },
        ]);
        assert.strictEqual(sourceOf(mocks).imageRepository.imageConfiguration.runtimeEnvironmentSecrets.SENTRY_DSN, ssm);
        const { mocks: none } = await underMocks(() => new AppRunnerService("app", { ...good, secrets: undefined }));
        assert.ok(!none.resources.some((r) => r.name === "app-read-secrets" || r.name === "app-read-stored-secrets"));
        assert.deepStrictEqual(sourceOf(none).imageRepository.imageConfiguration.runtimeEnvironmentSecrets, {});
    });

    it("injects stored secrets, lets the instance role read them, and redeploys when their revision changes", async () => {
        const { mocks } = await underMocks(
            () => new AppRunnerService("app", { ...good, env: { LOG_LEVEL: "info" }, storedSecrets: { TOKEN: STORED }, storedSecretsRevision: "r1" }),
        );
        const config = sourceOf(mocks).imageRepository.imageConfiguration;
        assert.deepStrictEqual(config.runtimeEnvironmentVariables, { LOG_LEVEL: "info", [STORED_VALUES_REVISION]: "r1" });
        assert.strictEqual(config.runtimeEnvironmentSecrets.TOKEN, STORED);
        const stored = mocks.named("app-read-stored-secrets").inputs;
        assert.strictEqual(stored.role, mocks.named("app-instance-role").id);
        assert.deepStrictEqual(JSON.parse(stored.policy as string), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [STORED] }],
        });
        assert.ok(mocks.optionsOf("app-service").dependencies.includes(mocks.optionsOf("app-read-stored-secrets").urn));
        const { mocks: plain } = await underMocks(() => new AppRunnerService("app", good));
        assert.deepStrictEqual(sourceOf(plain).imageRepository.imageConfiguration.runtimeEnvironmentVariables, {});
    });

    it("deploys after the resources that give stored secrets their values", async () => {
        const { mocks } = await underMocks(() => {
            const version = new aws.secretsmanager.SecretVersion("token-value", { secretId: STORED, secretString: "x" });
            return new AppRunnerService("app", { ...good, secretsReady: [version] });
        });
        assert.ok(mocks.optionsOf("app-service").dependencies.includes(mocks.optionsOf("token-value").urn));
    });

    it("sends egress through the VPC connector and stays publicly reachable", async () => {
        const { mocks } = await underMocks(() => new AppRunnerService("app", good));
        assert.deepStrictEqual(mocks.named("app-service").inputs.networkConfiguration, {
            egressConfiguration: { egressType: "VPC", vpcConnectorArn: good.vpcConnectorArn },
            ingressConfiguration: { isPubliclyAccessible: true },
        });
    });

    it("adopts the live service by its ARN only when given", async () => {
        const adoptServiceArn = "arn:aws:apprunner:us-east-1:566287346479:service/nerava-backend/0123456789abcdef";
        const { mocks } = await underMocks(() => new AppRunnerService("app", { ...good, adoptServiceArn }));
        assert.strictEqual(mocks.named("app-service").importId, adoptServiceArn);
    });

    it("refuses a name in both env and secrets, and construction with problems, before registering anything", async () => {
        const bad = { ...good, env: { DATABASE_URL: "x", LOG_LEVEL: "info" }, image: "repo/app:latest" };
        assert.deepStrictEqual(appRunnerServiceProblems({ ...good, env: { DATABASE_URL: "x", LOG_LEVEL: "info" } }), [
            "`env.DATABASE_URL` is also in secrets; keep it in secrets only",
        ]);
        const { mocks } = await underMocks(() =>
            assert.throws(
                () => new AppRunnerService("app", bad),
                (e: Error) =>
                    e.message.startsWith("AppRunnerService app: `image` must pin a tag or digest") &&
                    e.message.endsWith("; `env.DATABASE_URL` is also in secrets; keep it in secrets only"),
            ),
        );
        assert.deepStrictEqual(
            mocks.resources.filter((r) => r.custom),
            [],
        );
    });
});
