import * as assert from "assert";
import {
    CreateServiceCommand,
    Deployment,
    DescribeServicesCommand,
    DescribeServicesCommandInput,
    DescribeServicesCommandOutput,
    ECSClient,
    RegisterTaskDefinitionCommand,
    UpdateServiceCommand,
} from "@aws-sdk/client-ecs";
import { Moto, startMoto } from "../discover/motoServer";
import { credentialsIn, ECS_ACCOUNT, seedAccounts, SeededWorld } from "../discover/seedAccounts";
import { amend } from "./amend";
import { EgressVpc, lineWith, Run, set, verify, verifyProject } from "./world";

/** The committed config's API image (a pinned digest placeholder): what the stack's task definitions run. */
const API_IMAGE = `${ECS_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api@sha256:${"0".repeat(64)}`;
const OLD_IMAGE = `${ECS_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:v41`;

describe("verify, ECS part, against moto seeded with the seeds' ECS account", function () {
    let moto: Moto;
    let world: SeededWorld;
    let ecs: ECSClient;
    /** Services the test creates as the stack's `harden` update would: with a circuit breaker that rolls back. */
    const withBreaker = new Set<string>();
    /** Deployments ECS reports during a circuit-breaker rollback, by service name. */
    const rollbacks = new Map<string, Deployment[]>();
    let restore: () => void;

    async function taskDefinition(family: string, container: string, image: string, extra: { command?: string[]; port?: number } = {}): Promise<string> {
        const registered = await ecs.send(
            new RegisterTaskDefinitionCommand({
                family,
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: "512",
                memory: "1024",
                containerDefinitions: [
                    {
                        name: container,
                        image,
                        essential: true,
                        ...(extra.command ? { command: extra.command } : {}),
                        ...(extra.port ? { portMappings: [{ containerPort: extra.port, hostPort: extra.port, protocol: "tcp" }] } : {}),
                    },
                ],
            }),
        );
        return registered.taskDefinition!.taskDefinitionArn!;
    }

    /** The API and worker services `base` and `base-worker`, running the given task definitions, with running equal to desired. */
    async function services(base: string, api: string, worker: string, workerCount = 1): Promise<void> {
        const network = { awsvpcConfiguration: { subnets: world.ecs.subnetIds, securityGroups: [world.ecs.sgId] } };
        for (const [name, td, count] of [
            [base, api, 2],
            [`${base}-worker`, worker, workerCount],
        ] as const) {
            await ecs.send(
                new CreateServiceCommand({
                    cluster: "sandbox-broker-cluster",
                    serviceName: name,
                    taskDefinition: td,
                    desiredCount: count,
                    launchType: "FARGATE",
                    networkConfiguration: network,
                }),
            );
            // moto reports MOTO_ECS_SERVICE_RUNNING tasks until the desired count is updated, then that many.
            await ecs.send(new UpdateServiceCommand({ cluster: "sandbox-broker-cluster", service: name, desiredCount: count }));
            withBreaker.add(name);
        }
    }

    const hardened = (base: string, ...more: [string, unknown][]) =>
        verifyProject(world, seededVpc(), set(["ecs.stage", "harden"], ["ecs.name", base], ...more));
    const seededVpc = (): EgressVpc => ({ ...world.appRunner, connectorSubnetIds: world.appRunner.connectorSubnetIds });
    const verifyEcs = (dir: string): Promise<Run> => verify(moto.endpoint, dir, { part: "ecs" });

    before(async function () {
        // Services report this many running tasks when created, so their first deployment is COMPLETED.
        moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: "2" });
        world = await seedAccounts(moto.endpoint);
        ecs = new ECSClient({ endpoint: moto.endpoint, region: "eu-central-1", credentials: await credentialsIn(moto.endpoint, ECS_ACCOUNT) });
        await ecs.send(new UpdateServiceCommand({ cluster: "sandbox-broker-cluster", service: "sandbox-broker-worker", desiredCount: 1 }));
        const api = await taskDefinition("hard-broker", "api", API_IMAGE, { port: 8080 });
        const worker = await taskDefinition("hard-broker-worker", "worker", API_IMAGE, { command: ["python", "-m", "app.worker"] });
        await services("hard-broker", api, worker);
        await services(
            "idle-broker",
            await taskDefinition("idle-broker", "api", API_IMAGE, { port: 8080 }),
            await taskDefinition("idle-broker-worker", "worker", API_IMAGE, { command: ["python", "-m", "app.worker"] }),
            0,
        );
        // Revision 1 ran before; the update registered revision 2 (the stack's image), whose tasks failed to start.
        const previous = await taskDefinition("roll-broker", "api", OLD_IMAGE, { port: 8080 });
        const failed = await taskDefinition("roll-broker", "api", API_IMAGE, { port: 8080 });
        await services("roll-broker", previous, worker);
        rollbacks.set("roll-broker", [
            {
                id: "ecs-svc/7312981827654411111",
                status: "PRIMARY",
                taskDefinition: previous,
                rolloutState: "IN_PROGRESS",
                rolloutStateReason: "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/6151001920374400000.",
                desiredCount: 2,
                runningCount: 2,
            },
            {
                id: "ecs-svc/7312981827654422222",
                status: "ACTIVE",
                taskDefinition: failed,
                rolloutState: "FAILED",
                rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start.",
                desiredCount: 0,
                runningCount: 0,
                failedTasks: 3,
            },
        ]);
        // After the rollback ends only the old revision's deployment is left, COMPLETED: it looks applied.
        await services("rolled-broker", await taskDefinition("rolled-broker", "api", OLD_IMAGE, { port: 8080 }), worker);
        // moto keeps no deploymentConfiguration and never fails a deployment: what ECS reports for a service
        // the stack created (circuit breaker with rollback), and for one mid-rollback, is added to its answer.
        restore = amend<DescribeServicesCommandInput, DescribeServicesCommandOutput>(ECSClient, DescribeServicesCommand, (output, _input, error) => {
            if (!output) throw error;
            for (const service of output.services ?? []) {
                if (withBreaker.has(service.serviceName!))
                    service.deploymentConfiguration = {
                        deploymentCircuitBreaker: { enable: true, rollback: true },
                        maximumPercent: 200,
                        minimumHealthyPercent: 100,
                    };
                const rollback = rollbacks.get(service.serviceName!);
                if (rollback) service.deployments = rollback;
            }
            return output;
        });
    });
    after(async () => {
        restore?.();
        await moto?.stop();
    });

    describe("stage adopt (as committed): the imported services as they run", () => {
        it("holds: both primary deployments COMPLETED, running equal to desired; what harden sets is not claimed", async () => {
            const run = await verifyEcs(verifyProject(world, seededVpc()));
            assert.strictEqual(run.code, 0, run.out + run.err);
            assert.match(
                lineWith(run.out, "ECS api sandbox-broker: primary"),
                /^ {2}ok {4}ecs: ECS api sandbox-broker: primary deployment ecs-svc\/\d+ COMPLETED with sandbox-broker:8$/,
            );
            assert.match(lineWith(run.out, "ECS worker sandbox-broker-worker: 1/1"), /^ {2}ok {4}ecs: /);
            assert.match(
                lineWith(run.out, "image pins"),
                /^ {2}-- {4}ecs: task definitions, desired counts, circuit breakers and image pins: stage adopt keeps them as they run/,
            );
            assert.ok(!run.out.includes("moving tag"), "the seeds' :latest is harden's to pin");
        });

        it("fails a deployment still rolling out, with running below desired", async () => {
            const network = { awsvpcConfiguration: { subnets: world.ecs.subnetIds, securityGroups: [world.ecs.sgId] } };
            await ecs.send(
                new CreateServiceCommand({
                    cluster: "sandbox-broker-cluster",
                    serviceName: "busy-broker",
                    taskDefinition: "sandbox-broker:8",
                    desiredCount: 5,
                    networkConfiguration: network,
                }),
            );
            const run = await verifyEcs(verifyProject(world, seededVpc(), set(["ecs.name", "busy-broker"], ["ecs.adopt.workerService", false])));
            assert.strictEqual(run.code, 1);
            assert.match(
                lineWith(run.out, "ECS api busy-broker: primary"),
                /^ {2}FAIL {2}ecs: ECS api busy-broker: primary deployment ecs-svc\/\d+ \(sandbox-broker:8\) is IN_PROGRESS, not COMPLETED \(2\/5 running\) {2}\[aws ecs describe-services --region eu-central-1 --profile okta-sso --cluster sandbox-broker-cluster --services busy-broker --query 'services\[0\]\.deployments'\]$/,
            );
            assert.match(lineWith(run.out, "ECS api busy-broker: 2/5 running"), /FAIL {2}ecs: ECS api busy-broker: 2\/5 running; running must equal desired/);
            assert.ok(!run.out.includes("busy-broker-worker"), "a service adopt does not import is not claimed");
        });
    });

    describe("stage harden: the stack's task definitions, counts, circuit breakers and pins", () => {
        it("holds when both services run the stack's task definitions, pinned, at the stack's counts, with a circuit breaker", async () => {
            const run = await verifyEcs(hardened("hard-broker"));
            assert.strictEqual(run.code, 0, run.out + run.err);
            assert.match(lineWith(run.out, "ECS api hard-broker task definition hard-broker:1 (deployment ecs-svc/"), /^ {2}ok {4}/);
            assert.match(
                lineWith(run.out, `image: "${API_IMAGE}"`),
                /^ {2}ok {4}ecs: ECS api hard-broker task definition hard-broker:1 \(deployment ecs-svc\/\d+\) image: /,
            );
            assert.match(lineWith(run.out, "ECS worker hard-broker-worker task definition hard-broker-worker:1 (deployment"), /^ {2}ok {4}/);
            assert.match(lineWith(run.out, 'command: ["python","-m","app.worker"]'), /^ {2}ok {4}ecs: ECS worker hard-broker-worker /);
            assert.ok(run.out.includes("ok    ecs: ECS worker hard-broker-worker: desired count 1\n"), run.out);
            assert.ok(run.out.includes("ok    ecs: ECS api hard-broker: circuit breaker on, with rollback\n"), run.out);
            assert.equal((run.out.match(/: every image pinned\n/g) ?? []).length, 2);
        });

        it("fails a circuit-breaker rollback, naming the failed deployment, its reason and the rollback", async () => {
            const run = await verifyEcs(hardened("roll-broker"));
            assert.strictEqual(run.code, 1);
            assert.ok(
                lineWith(run.out, "ECS api roll-broker: circuit-breaker rollback").startsWith(
                    "  FAIL  ecs: ECS api roll-broker: circuit-breaker rollback: deployment ecs-svc/7312981827654422222 (roll-broker:2) FAILED: ECS deployment circuit breaker: tasks failed to start.; primary deployment ecs-svc/7312981827654411111 (roll-broker:1): ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/6151001920374400000.  [aws ecs describe-services",
                ),
                run.out,
            );
        });

        it("fails once the rollback has ended and the old revision looks applied: the task definition is not the stack's", async () => {
            const run = await verifyEcs(hardened("rolled-broker"));
            assert.strictEqual(run.code, 1);
            assert.match(
                lineWith(run.out, "ECS api rolled-broker: primary"),
                /^ {2}ok {4}ecs: ECS api rolled-broker: primary deployment ecs-svc\/\d+ COMPLETED with rolled-broker:1$/,
            );
            assert.match(
                lineWith(run.out, "rolled-broker:1 (deployment ecs-svc/"),
                /^ {2}ok {4}ecs: ECS api rolled-broker task definition rolled-broker:1 \(deployment ecs-svc\/\d+\) family: "rolled-broker"$/,
            );
            assert.ok(
                run.out.includes(
                    `) image: live "${OLD_IMAGE}", stack "${API_IMAGE}"  [aws ecs describe-task-definition --region eu-central-1 --profile okta-sso --task-definition arn:aws:ecs:eu-central-1:${ECS_ACCOUNT}:task-definition/rolled-broker:1 --query`,
                ),
                run.out,
            );
        });

        it("fails the seeds' revision 8 (:latest): not the stack's image, and not pinned", async () => {
            const run = await verifyEcs(hardened("sandbox-broker", ["ecs.api.containerName", "sandbox-broker-api"], ["ecs.api.containerPort", 8000]));
            assert.strictEqual(run.code, 1);
            const latest = `${ECS_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:latest`;
            assert.match(
                lineWith(run.out, `image: live "${latest}"`),
                /^ {2}FAIL {2}ecs: ECS api sandbox-broker task definition sandbox-broker:8 \(deployment ecs-svc\/\d+\) image: live/,
            );
            assert.match(
                lineWith(run.out, "uses the moving tag :latest"),
                /FAIL {2}ecs: ECS api sandbox-broker task definition sandbox-broker:8 \(deployment ecs-svc\/\d+\): container sandbox-broker-api: image ".*:latest" uses the moving tag :latest/,
            );
            assert.match(
                lineWith(run.out, "ECS api sandbox-broker: circuit breaker"),
                /FAIL {2}ecs: ECS api sandbox-broker: circuit breaker null; the stack sets enable and rollback/,
            );
        });

        it("fails a worker that is not at 0 when ecs.worker.stopped, and passes one that is", async () => {
            const running = await verifyEcs(hardened("hard-broker", ["ecs.worker.stopped", true]));
            assert.strictEqual(running.code, 1);
            assert.match(
                lineWith(running.out, "hard-broker-worker: desired count"),
                /FAIL {2}ecs: ECS worker hard-broker-worker: desired count live 1, stack 0 \(ecs\.worker\.stopped\)/,
            );
            const stopped = await verifyEcs(hardened("idle-broker", ["ecs.worker.stopped", true]));
            assert.strictEqual(stopped.code, 0, stopped.out);
            assert.ok(stopped.out.includes("ok    ecs: ECS worker idle-broker-worker: desired count 0 (ecs.worker.stopped)\n"), stopped.out);
            assert.ok(stopped.out.includes("ok    ecs: ECS worker idle-broker-worker: 0/0 running\n"), stopped.out);
        });
    });
});
