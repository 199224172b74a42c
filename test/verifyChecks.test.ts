import * as assert from "assert";
import type { RouteTable, Subnet } from "@aws-sdk/client-ec2";
import type { Service as EcsService } from "@aws-sdk/client-ecs";
import { STORED_VALUES_REVISION as COMPONENT_REVISION } from "../components/appRunnerService";
import { AppRunnerConfig, StackConfig } from "../config/schema";
import { projectConfigFrom, validateStackConfig } from "../config/validate";
import { accountSession } from "../tools/discover/aws";
import { readStackFile } from "../tools/offline/stackFiles";
import { evaluateAppRunner, STORED_VALUES_REVISION } from "../tools/verify/appRunner";
import { evaluateEcs } from "../tools/verify/ecs";
import { evaluateEgress } from "../tools/verify/egress";
import { textReport } from "../tools/verify/report";
import { REPO } from "./cli";

/** The committed Pulumi.prod.yaml through the program's validation, with `edit` applied to the parsed config. */
function prod(edit: (config: StackConfig) => void = () => undefined): StackConfig {
    const file = readStackFile("prod", REPO);
    const result = validateStackConfig(projectConfigFrom(Object.fromEntries(Object.entries(file.config).map(([k, v]) => [k, JSON.stringify(v)]))));
    assert.ok(result.ok);
    edit(result.config);
    return result.config;
}

const session = accountSession("appRunner", { id: "566287346479", region: "us-east-1" });
const subnets: Subnet[] = [
    { SubnetId: "subnet-a", VpcId: "vpc-1", AvailabilityZone: "us-east-1a" },
    { SubnetId: "subnet-p", VpcId: "vpc-1", AvailabilityZone: "us-east-1a" },
];
const tables = (natRoute: RouteTable["Routes"]): RouteTable[] => [
    { RouteTableId: "rtb-main", VpcId: "vpc-1", Associations: [{ Main: true }], Routes: [] },
    {
        RouteTableId: "rtb-public",
        VpcId: "vpc-1",
        Associations: [{ SubnetId: "subnet-p" }],
        Routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-1", State: "active" }],
    },
    { RouteTableId: "rtb-nat", VpcId: "vpc-1", Associations: [{ SubnetId: "subnet-a" }], Routes: natRoute },
];
const nat = {
    NatGatewayId: "nat-1",
    SubnetId: "subnet-p",
    State: "available" as const,
    NatGatewayAddresses: [{ AllocationId: "eipalloc-1", PublicIp: "203.0.113.7", Status: "succeeded" as const }],
};
const toNat = [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-1", State: "active" as const }];

describe("verify's checks on AWS's own shapes (what moto does not produce)", () => {
    it("fails a route AWS reports blackholed, naming its target and table, even while the NAT still answers", () => {
        const blackholed = [{ DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-1", State: "blackhole" as const }];
        const result = evaluateEgress(
            session,
            { connectorSubnetIds: ["subnet-a"] },
            { vpcId: "vpc-1", subnets, tables: tables(blackholed), natGateways: [nat] },
        );
        assert.deepStrictEqual(
            result.checks.map((c) => [c.status, c.message]),
            [["fail", "connector subnet subnet-a (us-east-1a): rtb-nat sends 0.0.0.0/0 to nat-1, which is blackholed (its target is gone)"]],
        );
        assert.deepStrictEqual(result.publicIps, []);
    });

    it("fails a NAT that holds no Elastic IP, or whose address failed, and one that is private; passes and prints the IP otherwise", () => {
        const run = (natGateway: typeof nat & { ConnectivityType?: "private" | "public" }) =>
            evaluateEgress(session, { connectorSubnetIds: ["subnet-a"] }, { vpcId: "vpc-1", subnets, tables: tables(toNat), natGateways: [natGateway] });
        assert.match(run({ ...nat, NatGatewayAddresses: [] }).checks[1].message, /^NAT gateway nat-1 \(the route of subnet-a\) holds no Elastic IP$/);
        assert.match(
            run({ ...nat, NatGatewayAddresses: [{ ...nat.NatGatewayAddresses[0], Status: "failed" as never }] }).checks[1].message,
            /holds no Elastic IP$/,
        );
        assert.match(run({ ...nat, ConnectivityType: "private" }).checks[1].message, /is a private NAT gateway \(no internet\)/);
        const fine = run(nat);
        assert.deepStrictEqual(
            fine.checks.map((c) => c.status),
            ["ok", "ok"],
        );
        assert.deepStrictEqual(fine.publicIps, ["203.0.113.7"]);
    });

    it("fails a route to a NAT gateway that DescribeNatGateways does not return", () => {
        const result = evaluateEgress(session, { connectorSubnetIds: ["subnet-a"] }, { vpcId: "vpc-1", subnets, tables: tables(toNat), natGateways: [] });
        assert.deepStrictEqual(result.checks.map((c) => [c.status, c.message]).at(-1), ["fail", "NAT gateway nat-1 (the route of subnet-a) does not exist"]);
    });

    it("adds the variable App Runner redeploys on when the stack stores secret values, the one the component sets", () => {
        assert.strictEqual(STORED_VALUES_REVISION, COMPONENT_REVISION);
        const config = prod((c) => {
            c.appRunner!.stage = "harden";
            c.appRunner!.service.secrets = { TWILIO_AUTH_TOKEN: "secretValues.TWILIO_AUTH_TOKEN" };
        }).appRunner as AppRunnerConfig;
        const connector = {
            VpcConnectorArn: config.adopt.connectorArn,
            VpcConnectorName: config.connectorName,
            Subnets: config.network.connectorSubnetIds,
            SecurityGroups: [config.adopt.connectorSecurityGroupId!],
        };
        const checks = evaluateAppRunner(session, config, {
            connector,
            connectors: [connector],
            serviceArn: config.adopt.serviceArn,
            service: {
                Status: "RUNNING",
                SourceConfiguration: {
                    ImageRepository: {
                        ImageIdentifier: config.service.image,
                        ImageRepositoryType: "ECR",
                        ImageConfiguration: { RuntimeEnvironmentVariables: { ...config.service.env } },
                    },
                },
            } as never,
            operations: [],
        });
        assert.match(
            checks.find((c) => c.message.includes("variable names"))!.message,
            /: missing STORED_VALUES_REVISION \(values not shown; no operation listed\)$/,
        );
        assert.match(checks.find((c) => c.message.includes("no operation listed;"))!.message, /the running configuration is not the one deployed last$/);
    });

    it("compares no health-check path for a TCP check, and at stage egress neither image nor port (the stage keeps them)", () => {
        const tcp = prod((c) => {
            c.appRunner!.stage = "harden";
            c.appRunner!.service.healthCheck = { protocol: "TCP" };
        }).appRunner!;
        const live = {
            connectors: [],
            operations: [],
            serviceArn: "arn:aws:apprunner:us-east-1:566287346479:service/x/1",
            service: { Status: "RUNNING", HealthCheckConfiguration: { Protocol: "TCP", Path: "/" } } as never,
        };
        const messages = evaluateAppRunner(session, tcp, live).map((c) => c.message);
        assert.ok(!messages.some((m) => m.includes("health check path")), messages.join("\n"));
        assert.ok(messages.some((m) => m.includes('health check protocol: "TCP"')));
        const egress = evaluateAppRunner(session, prod().appRunner!, live).map((c) => c.message);
        assert.ok(!egress.some((m) => / (image|port):/.test(m)), egress.join("\n"));
    });

    it("fails an ECS service without a PRIMARY deployment, and one with two deployments still active", () => {
        const config = prod().ecs!;
        const ecsSession = accountSession("ecs", config.account);
        const service = (deployments: EcsService["deployments"]): EcsService => ({
            serviceName: "sandbox-broker",
            status: "ACTIVE",
            runningCount: 2,
            desiredCount: 2,
            deployments,
        });
        const first = (deployments: EcsService["deployments"]) =>
            evaluateEcs(
                ecsSession,
                { ...config, adopt: { ...config.adopt, workerService: false } },
                { clusterFound: true, services: { "sandbox-broker": service(deployments) }, taskDefinitions: {} },
            )[0];
        assert.strictEqual(first([]).message, "ECS api sandbox-broker: no PRIMARY deployment");
        assert.strictEqual(
            first([
                {
                    id: "ecs-svc/1",
                    status: "PRIMARY",
                    rolloutState: "COMPLETED",
                    taskDefinition: "arn:aws:ecs:eu-central-1:905418046272:task-definition/sandbox-broker:9",
                },
                {
                    id: "ecs-svc/2",
                    status: "ACTIVE",
                    rolloutState: "COMPLETED",
                    taskDefinition: "arn:aws:ecs:eu-central-1:905418046272:task-definition/sandbox-broker:8",
                },
            ]).message,
            "ECS api sandbox-broker: 2 deployments are active (PRIMARY sandbox-broker:9, ACTIVE sandbox-broker:8)",
        );
    });

    it("counts failed checks but not the claims a stage does not make", () => {
        const text = textReport("prod", [
            {
                part: "ecs",
                stage: "adopt",
                checks: [
                    { area: "ecs", status: "ok", message: "a" },
                    { area: "ecs", status: "fail", message: "b", command: "aws ecs x" },
                    { area: "ecs", status: "skip", message: "c" },
                ],
            },
        ]);
        assert.strictEqual(
            text,
            "ecs: stage adopt\n  ok    ecs: a\n  FAIL  ecs: b  [aws ecs x]\n  --    ecs: c\n\nverify: 1 of 2 checks failed on stack prod\n",
        );
    });
});
