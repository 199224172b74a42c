import * as assert from "assert";
import { EcsWorker, EcsWorkerArgs, ecsWorkerProblems, workerDesiredCount } from "../components/ecsWorker";
import { ECS_SERVICE } from "../components/liveProperties";
import { underMocks } from "./harness";

const args: EcsWorkerArgs = {
    baseName: "sandbox-broker",
    clusterName: "sandbox-broker-cluster",
    region: "eu-central-1",
    account: { id: "905418046272", region: "eu-central-1" },
    vpcId: "vpc-0abc0abc0abc0abc0",
    subnetIds: ["subnet-0abc0abc0abc0abc1"],
    api: { image: "905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:v9", desiredCount: 2, containerPort: 8080 },
    worker: { desiredCount: 1, command: ["python", "-m", "app.worker"] },
};

describe("EcsWorker", () => {
    it("gives the worker the API image, its own log group and its command", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", args));
        const [container] = JSON.parse(mocks.named("w-worker-task").inputs.containerDefinitions as string);
        assert.strictEqual(container.image, args.api.image);
        assert.deepStrictEqual(container.command, ["python", "-m", "app.worker"]);
        assert.strictEqual(container.logConfiguration.options["awslogs-group"], "/ecs/sandbox-broker-worker");
        assert.strictEqual(container.portMappings, undefined);
    });

    it("both services make `pulumi up` wait for steady state, so a deployment that never gets healthy fails the update", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", args));
        for (const name of ["w-api", "w-worker"]) {
            const service = mocks.named(name).inputs;
            assert.strictEqual(service.waitForSteadyState, true, name);
            // Old tasks keep serving until the new ones are healthy.
            assert.deepStrictEqual([service.deploymentMinimumHealthyPercent, service.deploymentMaximumPercent], [100, 200], name);
            assert.deepStrictEqual(mocks.optionsOf(name).ignoreChanges, [...ECS_SERVICE.leftAlone], name);
        }
    });

    it("uses the looked-up cluster ARN", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", args));
        assert.strictEqual(mocks.named("w-api").inputs.cluster, "arn:aws:ecs:eu-central-1:905418046272:cluster/sandbox-broker-cluster");
    });

    it("sets the grace period and load balancer only where a load balancer fronts the API", async () => {
        const withLb = {
            ...args,
            api: {
                ...args.api,
                loadBalancer: {
                    targetGroupArn: "arn:aws:elasticloadbalancing:eu-central-1:905418046272:targetgroup/api/abc",
                    healthCheckGracePeriodSeconds: 90,
                    securityGroupId: "sg-0abc0abc0abc0abc2",
                },
            },
        };
        const { mocks } = await underMocks(() => new EcsWorker("w", withLb));
        assert.strictEqual(mocks.named("w-api").inputs.healthCheckGracePeriodSeconds, 90);
        assert.strictEqual((mocks.named("w-api").inputs.loadBalancers as any[])[0].containerPort, 8080);
        assert.strictEqual(mocks.named("w-worker").inputs.healthCheckGracePeriodSeconds, undefined);
        assert.strictEqual(mocks.named("w-tasks-from-lb").inputs.referencedSecurityGroupId, "sg-0abc0abc0abc0abc2");
        const { mocks: plain } = await underMocks(() => new EcsWorker("w", args));
        assert.strictEqual(plain.named("w-api").inputs.healthCheckGracePeriodSeconds, undefined);
    });

    it("starts tasks only after the execution role's policy is attached, not only once the role exists", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", args));
        const attachment = mocks.optionsOf("w-execution-policy").urn;
        for (const name of ["w-api-task", "w-worker-task", "w-api", "w-worker"]) {
            assert.ok(mocks.optionsOf(name).dependencies.includes(attachment), `${name} does not wait for the policy attachment`);
        }
    });

    it("keeps the live service's shape: capacity providers instead of launchType, container name, task role, ports, log prefix", async () => {
        const live: EcsWorkerArgs = {
            ...args,
            api: {
                ...args.api,
                containerName: "sandbox-broker-api",
                taskRoleArn: "arn:aws:iam::905418046272:role/sandbox-broker-task",
                logStreamPrefix: "ecs",
                capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1, base: 1 }],
                env: { POOL_SIZE: "20" },
                loadBalancer: {
                    targetGroupArn: "arn:aws:elasticloadbalancing:eu-central-1:905418046272:targetgroup/api/abc",
                    healthCheckGracePeriodSeconds: 60,
                },
            },
        };
        const { mocks } = await underMocks(() => new EcsWorker("w", live));
        const service = mocks.named("w-api").inputs;
        assert.strictEqual(service.launchType, undefined);
        assert.deepStrictEqual(service.capacityProviderStrategies, [{ capacityProvider: "FARGATE", weight: 1, base: 1 }]);
        assert.strictEqual((service.loadBalancers as any[])[0].containerName, "sandbox-broker-api");
        const task = mocks.named("w-api-task").inputs;
        assert.strictEqual(task.taskRoleArn, "arn:aws:iam::905418046272:role/sandbox-broker-task");
        const [container] = JSON.parse(task.containerDefinitions as string);
        assert.strictEqual(container.name, "sandbox-broker-api");
        assert.deepStrictEqual(container.portMappings, [{ containerPort: 8080, hostPort: 8080, protocol: "tcp" }]);
        assert.deepStrictEqual(container.environment, [{ name: "POOL_SIZE", value: "20" }]);
        assert.strictEqual(container.logConfiguration.options["awslogs-stream-prefix"], "ecs");
        assert.strictEqual(mocks.named("w-worker").inputs.launchType, "FARGATE");
    });

    it("stops the worker at desired count 0", () => {
        assert.strictEqual(workerDesiredCount({ desiredCount: 1, stopped: true }), 0);
        assert.strictEqual(workerDesiredCount({ desiredCount: 3 }), 3);
    });

    it("refuses moving tags on either service", () => {
        const problems = ecsWorkerProblems({ ...args, api: { ...args.api, image: "repo/api:latest" }, worker: { ...args.worker, image: "repo/api" } });
        assert.strictEqual(problems.length, 2);
        assert.match(problems[0], /^`api.image` must pin a tag or digest: image "repo\/api:latest" uses the moving tag :latest/);
        assert.match(problems[1], /^`worker.image` must pin a tag or digest: image "repo\/api" has no tag/);
    });
});
