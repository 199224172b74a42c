import * as assert from "assert";
import * as aws from "@pulumi/aws";
import { EcsWorker, EcsWorkerArgs, ecsWorkerProblems, workerDesiredCount } from "../components/ecsWorker";
import { ECS_SERVICE } from "../components/liveProperties";
import { RecordingMocks } from "../tools/offline/mocks";
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
        assert.deepStrictEqual((mocks.named("w-tasks-sg").inputs.ingress as { securityGroups: string[] }[])[0].securityGroups, ["sg-0abc0abc0abc0abc2"]);
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

    it("stops the worker at desired count 0, and the live service gets it: desiredCount is declared, never ignored", async () => {
        assert.strictEqual(workerDesiredCount({ desiredCount: 1, stopped: true }), 0);
        assert.strictEqual(workerDesiredCount({ desiredCount: 3 }), 3);
        for (const adopt of [undefined, { apiService: true, workerService: true }]) {
            const { mocks } = await underMocks(() => new EcsWorker("w", { ...args, adopt, worker: { ...args.worker, stopped: true } }));
            assert.strictEqual(mocks.named("w-worker").inputs.desiredCount, 0);
            assert.strictEqual(mocks.named("w-api").inputs.desiredCount, args.api.desiredCount);
            for (const name of ["w-worker", "w-api"]) assert.ok(!mocks.optionsOf(name).ignoreChanges.includes("desiredCount"), `${name}, adopt ${!!adopt}`);
        }
    });

    it("refuses moving tags on either service", () => {
        const problems = ecsWorkerProblems({ ...args, api: { ...args.api, image: "repo/api:latest" }, worker: { ...args.worker, image: "repo/api" } });
        assert.strictEqual(problems.length, 2);
        assert.match(problems[0], /^`api.image` must pin a tag or digest: image "repo\/api:latest" uses the moving tag :latest/);
        assert.match(problems[1], /^`worker.image` must pin a tag or digest: image "repo\/api" has no tag/);
    });
});

describe("EcsWorker resources", () => {
    it("registers every resource as a child of the component, so its URN and deletion follow the component", async () => {
        const withAll: EcsWorkerArgs = {
            ...args,
            createCluster: true,
            api: {
                ...args.api,
                secrets: { DB_PASSWORD: "arn:aws:ssm:eu-central-1:905418046272:parameter/sandbox-broker/prod/DB_PASSWORD" },
                loadBalancer: {
                    targetGroupArn: "arn:aws:elasticloadbalancing:eu-central-1:905418046272:targetgroup/api/abc",
                    healthCheckGracePeriodSeconds: 60,
                    securityGroupId: "sg-0abc0abc0abc0abc2",
                },
            },
        };
        const { mocks } = await underMocks(() => new EcsWorker("w", withAll));
        const children = mocks.resources.filter((r) => r.custom).map((r) => r.name);
        assert.ok(children.includes("w-cluster") && children.includes("w-tasks-sg") && children.includes("w-read-secrets"), children.join(", "));
        for (const name of children) {
            assert.match(mocks.optionsOf(name).urn, /::egress-remediation:ecs:EcsWorker\$aws:/, name);
        }
    });

    it("creates the cluster with Container Insights only when asked, under the configured name", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", { ...args, createCluster: true }));
        const cluster = mocks.named("w-cluster");
        assert.deepStrictEqual(cluster.inputs.settings, [{ name: "containerInsights", value: "enabled" }]);
        assert.strictEqual(cluster.inputs.name, "sandbox-broker-cluster");
        assert.strictEqual(mocks.named("w-api").inputs.cluster, cluster.state.arn);
    });

    it("gives the tasks one security group in the VPC whose only rule, inline, lets them reach anything outbound", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", args));
        const sg = mocks.named("w-tasks-sg");
        assert.deepStrictEqual(
            [sg.inputs.vpcId, sg.inputs.description, sg.inputs.tags],
            ["vpc-0abc0abc0abc0abc0", "sandbox-broker API and worker tasks", { Name: "sandbox-broker-tasks" }],
        );
        assert.deepStrictEqual(sg.inputs.egress, [
            { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"], description: "tasks reach ECR, logs and their dependencies" },
        ]);
        // Declared empty, not left out: a rule added by hand is revoked, and dropping the load balancer revokes its rule.
        assert.deepStrictEqual(sg.inputs.ingress, []);
        assert.ok(!mocks.resources.some((r) => r.type.startsWith("aws:vpc/securityGroup")), "the tasks' rules are inline only");
        for (const name of ["w-api", "w-worker"]) {
            assert.deepStrictEqual(
                mocks.named(name).inputs.networkConfiguration,
                { subnets: ["subnet-0abc0abc0abc0abc1"], securityGroups: [sg.id], assignPublicIp: false },
                name,
            );
        }
        const { mocks: publicIp } = await underMocks(() => new EcsWorker("w", { ...args, assignPublicIp: true }));
        assert.strictEqual((publicIp.named("w-worker").inputs.networkConfiguration as { assignPublicIp: boolean }).assignPublicIp, true);
    });

    it("opens the container port over TCP to the load balancer's group only, inline in the group the API's tasks use", async () => {
        const lb = {
            targetGroupArn: "arn:aws:elasticloadbalancing:eu-central-1:905418046272:targetgroup/api/abc",
            healthCheckGracePeriodSeconds: 60,
            securityGroupId: "sg-0abc0abc0abc0abc2",
        };
        const { mocks } = await underMocks(() => new EcsWorker("w", { ...args, api: { ...args.api, loadBalancer: lb } }));
        assert.deepStrictEqual(mocks.named("w-tasks-sg").inputs.ingress, [
            { securityGroups: ["sg-0abc0abc0abc0abc2"], protocol: "tcp", fromPort: 8080, toPort: 8080, description: "API traffic from its load balancer" },
        ]);
        assert.ok(mocks.optionsOf("w-api").dependencies.includes(mocks.optionsOf("w-tasks-sg").urn));
    });

    it("lets only ECS tasks assume the execution role, with AWS's task execution policy attached", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", args));
        assert.deepStrictEqual(JSON.parse(mocks.named("w-execution-role").inputs.assumeRolePolicy as string), {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ecs-tasks.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
        const attachment = mocks.named("w-execution-policy").inputs;
        assert.strictEqual(attachment.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy");
        assert.strictEqual(attachment.role, mocks.named("w-execution-role").state.name);
        for (const name of ["w-api-task", "w-worker-task"])
            assert.strictEqual(mocks.named(name).inputs.executionRoleArn, mocks.named("w-execution-role").state.arn);
    });

    it("defines Fargate tasks in awsvpc mode, 512 CPU and 1024 MiB unless the spec sizes them, logging to CloudWatch", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", { ...args, worker: { ...args.worker, cpu: 1024, memory: 4096 } }));
        const api = mocks.named("w-api-task").inputs;
        const worker = mocks.named("w-worker-task").inputs;
        assert.deepStrictEqual(
            [api.family, api.requiresCompatibilities, api.networkMode, api.cpu, api.memory],
            ["sandbox-broker", ["FARGATE"], "awsvpc", "512", "1024"],
        );
        assert.deepStrictEqual([worker.family, worker.cpu, worker.memory], ["sandbox-broker-worker", "1024", "4096"]);
        const [container] = JSON.parse(api.containerDefinitions as string);
        assert.strictEqual(container.essential, true);
        assert.strictEqual(container.command, undefined);
        assert.deepStrictEqual(container.logConfiguration, {
            logDriver: "awslogs",
            options: { "awslogs-group": "/ecs/sandbox-broker-api", "awslogs-region": "eu-central-1", "awslogs-stream-prefix": "api" },
        });
    });

    it("keeps logs 30 days unless configured, on both log groups", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", args));
        const { mocks: week } = await underMocks(() => new EcsWorker("w", { ...args, logRetentionDays: 7 }));
        for (const name of ["w-api-logs", "w-worker-logs"]) {
            assert.strictEqual(mocks.named(name).inputs.retentionInDays, 30, name);
            assert.strictEqual(week.named(name).inputs.retentionInDays, 7, name);
        }
    });

    it("runs each service at its own desired count, rolling back a failed deployment by itself", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", { ...args, worker: { ...args.worker, stopped: true } }));
        assert.deepStrictEqual([mocks.named("w-api").inputs.name, mocks.named("w-api").inputs.desiredCount], ["sandbox-broker", 2]);
        assert.deepStrictEqual([mocks.named("w-worker").inputs.name, mocks.named("w-worker").inputs.desiredCount], ["sandbox-broker-worker", 0]);
        for (const name of ["w-api", "w-worker"]) {
            assert.deepStrictEqual(mocks.named(name).inputs.deploymentCircuitBreaker, { enable: true, rollback: true }, name);
        }
    });

    it("adopts each live service by cluster/name and each log group by name, only where asked", async () => {
        const { mocks } = await underMocks(() => new EcsWorker("w", { ...args, adopt: { workerService: true, apiLogGroup: true } }));
        assert.strictEqual(mocks.named("w-worker").importId, "sandbox-broker-cluster/sandbox-broker-worker");
        assert.strictEqual(mocks.named("w-api-logs").importId, "/ecs/sandbox-broker-api");
        assert.strictEqual(mocks.named("w-api").importId, undefined);
        assert.strictEqual(mocks.named("w-worker-logs").importId, undefined);
    });

    it("starts tasks only after permissions the caller names (secrets created elsewhere) exist", async () => {
        const { mocks } = await underMocks(() => {
            const policy = new aws.iam.RolePolicy("elsewhere-read", { role: "elsewhere", policy: "{}" });
            return new EcsWorker("w", { ...args, secretsReady: [policy] });
        });
        const ready = mocks.optionsOf("elsewhere-read").urn;
        for (const name of ["w-api-task", "w-worker-task", "w-api", "w-worker"]) {
            assert.ok(mocks.optionsOf(name).dependencies.includes(ready), name);
        }
    });

    it("uses a pinned valueFrom as given instead of resolving the reference", async () => {
        const pinned = "arn:aws:secretsmanager:eu-central-1:905418046272:secret:sandbox-broker/prod/DB_PASSWORD-Zz9Yy8";
        const spec = { ...args.api, secrets: { DB_PASSWORD: "sandbox-broker/prod/DB_PASSWORD" }, valueFrom: { DB_PASSWORD: pinned } };
        const { mocks } = await underMocks(() => new EcsWorker("w", { ...args, api: spec }));
        const [container] = JSON.parse(mocks.named("w-api-task").inputs.containerDefinitions as string);
        assert.deepStrictEqual(container.secrets, [{ name: "DB_PASSWORD", valueFrom: pinned }]);
    });
    it("starts tasks only after the execution role may read their secrets, with a policy AWS accepts", async () => {
        const ssm = "arn:aws:ssm:eu-central-1:905418046272:parameter/sandbox-broker/prod/DB_PASSWORD";
        const { mocks } = await underMocks(() => new EcsWorker("w", { ...args, api: { ...args.api, secrets: { DB_PASSWORD: ssm } } }));
        assert.strictEqual(JSON.parse(mocks.named("w-read-secrets").inputs.policy as string).Version, "2012-10-17");
        const policy = mocks.optionsOf("w-read-secrets").urn;
        for (const name of ["w-api-task", "w-worker-task", "w-api", "w-worker"]) {
            assert.ok(mocks.optionsOf(name).dependencies.includes(policy), name);
        }
    });
});

describe("EcsWorker problems", () => {
    it("accepts the example args, a worker without its own image included, and a worker with its own pinned image", () => {
        assert.deepStrictEqual(ecsWorkerProblems(args), []);
        assert.deepStrictEqual(
            ecsWorkerProblems({ ...args, worker: { ...args.worker, image: "905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-worker:v3" } }),
            [],
        );
    });

    it("accepts a desired count of 0 and refuses a negative or fractional one, naming the key", () => {
        assert.deepStrictEqual(ecsWorkerProblems({ ...args, api: { ...args.api, desiredCount: 0 }, worker: { ...args.worker, desiredCount: 0 } }), []);
        assert.deepStrictEqual(ecsWorkerProblems({ ...args, api: { ...args.api, desiredCount: -1 }, worker: { ...args.worker, desiredCount: 1.5 } }), [
            "`api.desiredCount` must be a whole number ≥ 0; got -1",
            "`worker.desiredCount` must be a whole number ≥ 0; got 1.5",
        ]);
    });

    it("refuses to construct with every problem in one message and registers no resource", async () => {
        const bad = { ...args, api: { ...args.api, desiredCount: -1 }, worker: { ...args.worker, image: "repo/api:latest" } };
        const { mocks } = await underMocks(() =>
            assert.throws(
                () => new EcsWorker("w", bad),
                (e: Error) => {
                    assert.strictEqual(
                        e.message,
                        'EcsWorker w: `worker.image` must pin a tag or digest: image "repo/api:latest" uses the moving tag :latest; pin a release tag or a sha256 digest; `api.desiredCount` must be a whole number ≥ 0; got -1',
                    );
                    return true;
                },
            ),
        );
        assert.deepStrictEqual(
            mocks.resources.filter((r) => r.custom),
            [],
        );
    });
});

describe("EcsWorker lookups", () => {
    it("looks the cluster and secret names up with the component's own provider, in the ECS account", async () => {
        const calls: { token: string; provider?: string }[] = [];
        const call = RecordingMocks.prototype.call;
        RecordingMocks.prototype.call = function (this: RecordingMocks, callArgs) {
            calls.push({ token: callArgs.token, provider: callArgs.provider });
            return call.call(this, callArgs);
        };
        try {
            const { mocks } = await underMocks(() => {
                const provider = new aws.Provider("ecs-account", { region: "eu-central-1" });
                return new EcsWorker("w", { ...args, api: { ...args.api, secrets: { DB_PASSWORD: "sandbox-broker/prod/DB_PASSWORD" } } }, { provider });
            });
            assert.deepStrictEqual(calls.map((c) => c.token).sort(), ["aws:ecs/getCluster:getCluster", "aws:secretsmanager/getSecret:getSecret"]);
            for (const c of calls) assert.match(c.provider ?? "", /::ecs-account::/, c.token);
            const [container] = JSON.parse(mocks.named("w-api-task").inputs.containerDefinitions as string);
            assert.match(container.secrets[0].valueFrom, /^arn:aws:secretsmanager:eu-central-1:905418046272:secret:sandbox-broker\/prod\/DB_PASSWORD-/);
        } finally {
            RecordingMocks.prototype.call = call;
        }
    });
});
