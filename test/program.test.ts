import * as assert from "assert";
import { RecordedResource } from "../tools/offline/mocks";
import { runStack } from "./harness";
import { ProgramRun } from "../tools/offline/runProgram";
import { atHarden, hardened } from "./fixtures";

const T = {
    nat: "aws:ec2/natGateway:NatGateway",
    eip: "aws:ec2/eip:Eip",
    route: "aws:ec2/route:Route",
    rta: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    sg: "aws:ec2/securityGroup:SecurityGroup",
    appRunner: "aws:apprunner/service:Service",
    connector: "aws:apprunner/vpcConnector:VpcConnector",
    ecsService: "aws:ecs/service:Service",
    taskDef: "aws:ecs/taskDefinition:TaskDefinition",
    logGroup: "aws:cloudwatch/logGroup:LogGroup",
    redis: "aws:elasticache/replicationGroup:ReplicationGroup",
};

describe("the prod program (Pulumi.prod.yaml under mocks)", () => {
    let run: ProgramRun;
    const of = (type: string) => run.mocks.ofType(type);
    const byId = (id: unknown) => run.mocks.resources.find((r) => r.id === id) as RecordedResource;

    before(async () => {
        run = await runStack("prod", atHarden);
    });

    it("puts one NAT gateway, with an Elastic IP, in the public subnet", () => {
        const [nat] = of(T.nat);
        assert.strictEqual(of(T.nat).length, 1);
        assert.strictEqual(nat.inputs.subnetId, "subnet-09f0b6b22836f635b");
        assert.strictEqual(byId(nat.inputs.allocationId).type, T.eip);
    });

    it("routes 0.0.0.0/0 of every connector subnet to that NAT", () => {
        const [connector] = of(T.connector);
        const subnets = connector.inputs.subnets as string[];
        assert.deepStrictEqual(subnets, ["subnet-0c3e9b306737c3fb2", "subnet-0dd152da6d977861c"]);
        for (const subnet of subnets) {
            const association = of(T.rta).find((a) => a.inputs.subnetId === subnet);
            assert.ok(association, `no route table association for ${subnet}`);
            const route = of(T.route).find((r) => r.inputs.routeTableId === association.inputs.routeTableId && r.inputs.destinationCidrBlock === "0.0.0.0/0");
            assert.ok(route, `no default route for ${subnet}`);
            assert.strictEqual(byId(route.inputs.natGatewayId).type, T.nat);
        }
    });

    it("keeps App Runner egress on VPC, through the connector, with the configured health check and size", () => {
        const [service] = of(T.appRunner);
        const [connector] = of(T.connector);
        const network = service.inputs.networkConfiguration as any;
        assert.strictEqual(network.egressConfiguration.egressType, "VPC");
        assert.strictEqual(network.egressConfiguration.vpcConnectorArn, connector.state.arn);
        assert.deepStrictEqual(service.inputs.healthCheckConfiguration, {
            protocol: "HTTP",
            path: "/health",
            interval: 10,
            timeout: 10,
            healthyThreshold: 1,
            unhealthyThreshold: 10,
        });
        assert.deepStrictEqual(service.inputs.instanceConfiguration, {
            cpu: "1024",
            memory: "2048",
            instanceRoleArn: (service.inputs.instanceConfiguration as any).instanceRoleArn,
        });
        const image = (service.inputs.sourceConfiguration as any).imageRepository;
        assert.strictEqual(image.imageIdentifier, "566287346479.dkr.ecr.us-east-1.amazonaws.com/nerava-backend:v19-photo-fix");
        assert.strictEqual(image.imageConfiguration.port, "8000");
        assert.strictEqual((service.inputs.sourceConfiguration as any).autoDeploymentsEnabled, false);
    });

    it("passes DATABASE_URL and REDIS_URL only as secret references", () => {
        const config = (of(T.appRunner)[0].inputs.sourceConfiguration as any).imageRepository.imageConfiguration;
        assert.match(config.runtimeEnvironmentSecrets.DATABASE_URL, /^arn:aws:secretsmanager:/);
        assert.match(config.runtimeEnvironmentSecrets.REDIS_URL, /^arn:aws:secretsmanager:/);
        assert.ok(!("DATABASE_URL" in config.runtimeEnvironmentVariables));
    });

    it("opens 5432 and 6379 only to security groups, never to a CIDR; a group's rules are standalone or inline, never both", () => {
        const rules = of(T.ingress);
        assert.ok(rules.length >= 1);
        for (const rule of rules) {
            assert.ok(rule.inputs.referencedSecurityGroupId, `${rule.name} has no security-group source`);
            assert.strictEqual(rule.inputs.cidrIpv4, undefined);
            assert.strictEqual(rule.inputs.cidrIpv6, undefined);
        }
        const inline = of(T.sg).flatMap((sg) => ((sg.inputs.ingress as any[]) ?? []).map((rule) => ({ sg, rule })));
        for (const { sg, rule } of inline) {
            assert.ok(rule.securityGroups?.length && !rule.cidrBlocks && !rule.ipv6CidrBlocks, `${sg.name} has an inline rule without a group source`);
            assert.ok(!rules.some((r) => r.inputs.securityGroupId === sg.id), `${sg.name} has inline ingress beside standalone rules`);
        }
        const ports = [...rules.map((r) => r.inputs.fromPort), ...inline.filter(({ sg }) => sg.name.startsWith("data-")).map(({ rule }) => rule.fromPort)];
        assert.deepStrictEqual([...new Set(ports)].sort(), [5432, 6379]);
    });

    it("adopts the live resources by import and protects them", () => {
        const adopted = Object.fromEntries(run.mocks.resources.filter((r) => r.importId).map((r) => [r.name, r.importId]));
        assert.deepStrictEqual(adopted, {
            "egress-connector-sg": "sg-00bc5ec63287eacdd",
            "egress-connector": "arn:aws:apprunner:us-east-1:566287346479:vpcconnector/nerava-vpc-connector/1/b07c0001ddf341b8b426d7fa83d93ad8",
            "app-service": "arn:aws:apprunner:us-east-1:566287346479:service/nerava-backend/88e85a3063c14ea9a1e39f8fdf3c35e3",
            "data-postgres-sg": "sg-0e4cc786d9053f05f",
            "data-redis": "nerava-redis",
            "workloads-api": "sandbox-broker-cluster/sandbox-broker",
            "workloads-api-logs": "/ecs/sandbox-broker-api",
            "workloads-worker": "sandbox-broker-cluster/sandbox-broker-worker",
            "workloads-worker-logs": "/ecs/sandbox-broker-worker",
        });
        for (const name of Object.keys(adopted)) assert.ok(run.protectedNames.has(name), `${name} is not protected`);
    });

    it("moves ElastiCache out of the default security group into its own", () => {
        const [redis] = of(T.redis);
        const redisSg = run.mocks.named("data-redis-sg");
        assert.deepStrictEqual(redis.inputs.securityGroupIds, [redisSg.id]);
    });

    it("runs both ECS services with a rolling-back circuit breaker and pinned images", () => {
        const services = of(T.ecsService);
        assert.deepStrictEqual(services.map((s) => s.inputs.name).sort(), ["sandbox-broker", "sandbox-broker-worker"]);
        for (const s of services) assert.deepStrictEqual(s.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        assert.strictEqual(services.find((s) => s.inputs.name === "sandbox-broker")!.inputs.desiredCount, 2);
        assert.strictEqual(services.find((s) => s.inputs.name === "sandbox-broker-worker")!.inputs.desiredCount, 1);
        for (const td of of(T.taskDef)) {
            const [container] = JSON.parse(td.inputs.containerDefinitions as string);
            assert.doesNotMatch(container.image, /:latest$/);
        }
        const logGroups = of(T.logGroup).map((g) => [g.inputs.name, g.inputs.retentionInDays]);
        assert.deepStrictEqual(logGroups.sort(), [
            ["/ecs/sandbox-broker-api", 30],
            ["/ecs/sandbox-broker-worker", 30],
        ]);
    });

    it("stops the worker at 0 without deleting anything when worker.stopped is set", async () => {
        const stopped = await runStack(
            "prod",
            hardened((c) => (c["egress-remediation:ecs"].worker.stopped = true)),
        );
        const worker = stopped.mocks.ofType(T.ecsService).find((s) => s.inputs.name === "sandbox-broker-worker")!;
        assert.strictEqual(worker.inputs.desiredCount, 0);
        assert.deepStrictEqual(stopped.mocks.resources.map((r) => r.name).sort(), run.mocks.resources.map((r) => r.name).sort());
    });

    it("builds only the ECS part when appRunner is disabled (a deliberate decommission, since prod adopted its resources)", async () => {
        const ecsOnly = await runStack(
            "prod",
            hardened((c) => Object.assign(c["egress-remediation:appRunner"], { enabled: false, decommission: true })),
        );
        assert.strictEqual(ecsOnly.mocks.ofType(T.appRunner).length + ecsOnly.mocks.ofType(T.nat).length, 0);
        assert.strictEqual(ecsOnly.mocks.ofType(T.ecsService).length, 2);
    });
});

describe("the dev program (greenfield)", () => {
    it("creates the VPC with awsx and lets the ECS tasks reach the data stores", async () => {
        const run = await runStack("dev");
        const [vpc] = run.mocks.ofType("awsx:ec2:Vpc");
        assert.deepStrictEqual((vpc.inputs.natGateways as any).strategy, "Single");
        const sources = run.mocks
            .ofType(T.ingress)
            .map((r) => r.name)
            .sort();
        assert.deepStrictEqual(sources, ["data-postgres-from-connector", "data-postgres-from-ecs-tasks"]);
        const redisSources = (run.mocks.named("data-redis-sg").inputs.ingress as { description: string }[]).map((r) => r.description);
        assert.deepStrictEqual(redisSources, ["redis from connector", "redis from ecs-tasks"]);
        assert.strictEqual(run.mocks.resources.filter((r) => r.importId).length, 0);
    });
});
