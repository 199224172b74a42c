import * as assert from "assert";
import { parse } from "yaml";
import { ContainerDefinition, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { ECS_ACCOUNT } from "./seedAccounts";
import { stackText, useMotoWorld } from "./harness";
import { projectDir } from "./world";

const IMAGE = `${ECS_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:latest`;
const COLLECTOR: ContainerDefinition = {
    name: "aws-otel-collector",
    image: "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0",
    essential: true,
    portMappings: [{ containerPort: 4317, protocol: "tcp" }],
    command: ["--config=/etc/ecs/ecs-default-config.yaml"],
};
const api = (name: string): ContainerDefinition => ({
    name,
    image: IMAGE,
    essential: true,
    portMappings: [{ containerPort: 8000, protocol: "tcp" }],
    command: ["uvicorn", "app.main:app", "--port", "8000"],
    environment: [{ name: "LOG_LEVEL", value: "info" }],
});

describe("discover: the ECS API is the container the service serves from, never a sidecar listed first", function () {
    const env = useMotoWorld();

    /** A service `name` whose task lists the collector first, then the API; behind a load balancer when `targeted` names a container. */
    async function sidecarService(name: string, targeted?: { containerName: string; containerPort: number }): Promise<void> {
        const ecs = new ECSClient(await env.clientConfig("ecs"));
        const registered = await ecs.send(
            new RegisterTaskDefinitionCommand({
                family: name,
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: "512",
                memory: "1024",
                containerDefinitions: [COLLECTOR, api(`${name}-api`)],
            }),
        );
        await ecs.send(
            new CreateServiceCommand({
                cluster: "sandbox-broker-cluster",
                serviceName: name,
                taskDefinition: registered.taskDefinition!.taskDefinitionArn!,
                desiredCount: 2,
                launchType: "FARGATE",
                networkConfiguration: { awsvpcConfiguration: { subnets: env.world.ecs.subnetIds, securityGroups: [env.world.ecs.sgId] } },
                ...(targeted
                    ? {
                          loadBalancers: [
                              { targetGroupArn: `arn:aws:elasticloadbalancing:eu-central-1:${ECS_ACCOUNT}:targetgroup/${name}/0123456789abcdef`, ...targeted },
                          ],
                          healthCheckGracePeriodSeconds: 60,
                      }
                    : {}),
            }),
        );
    }

    const named = (name: string) => (t: string) => t.replace("    name: sandbox-broker\n", `    name: ${name}\n`);

    it("takes the container the load balancer targets, with its port and image, not the first essential one", async () => {
        await sidecarService("otel-broker", { containerName: "otel-broker-api", containerPort: 8000 });
        const dir = projectDir(env.world, named("otel-broker"));
        const run = await env.discover(dir, { write: true });
        assert.strictEqual(run.code, 0, run.out + run.err);
        const ecs = parse(stackText(dir)).config["egress-remediation:ecs"];
        assert.strictEqual(ecs.api.containerName, "otel-broker-api");
        assert.strictEqual(ecs.api.containerPort, 8000);
        assert.deepStrictEqual(ecs.api.command, ["uvicorn", "app.main:app", "--port", "8000"]);
        assert.match(ecs.api.image, new RegExp(`^${ECS_ACCOUNT}\\.dkr\\.ecr\\.eu-central-1\\.amazonaws\\.com/sandbox-broker-api@sha256:`));
        assert.ok(stackText(dir).includes("# discover: from ecs:DescribeTaskDefinition otel-broker:1 container otel-broker-api (the load balancer's target)"));
        assert.ok(!stackText(dir).includes("aws-otel-collector"), "nothing of the collector is written");
    });

    it("without a load balancer and with no container on ecs.api.containerPort, refuses and lists the candidates", async () => {
        await sidecarService("bare-broker");
        const dir = projectDir(env.world, named("bare-broker"));
        const before = stackText(dir);
        const run = await env.discover(dir, { write: true });
        assert.strictEqual(run.code, 1, run.out + run.err);
        assert.ok(
            run.out.includes(
                "FAIL  ecs.api.containerName: ecs:DescribeTaskDefinition bare-broker:1: the service has no load balancer to say which container is the API, and none of its 2 containers (aws-otel-collector, bare-broker-api) maps port 8080 (ecs.api.containerPort); set ecs.api.containerName and containerPort by hand",
            ),
            run.out,
        );
        assert.ok(!/ecs\.api\.(containerName|containerPort|image|command):/.test(run.out.split("Values to change")[1] ?? ""), run.out);
        assert.strictEqual(stackText(dir), before);
    });

    it("without a load balancer, takes the one container mapping ecs.api.containerPort", async () => {
        await sidecarService("port-broker");
        const dir = projectDir(env.world, (t) => named("port-broker")(t).replace("      containerPort: 8080\n", "      containerPort: 8000\n"));
        const run = await env.discover(dir, { write: true });
        assert.strictEqual(run.code, 0, run.out + run.err);
        assert.strictEqual(parse(stackText(dir)).config["egress-remediation:ecs"].api.containerName, "port-broker-api");
    });
});
