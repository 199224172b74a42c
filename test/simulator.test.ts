import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { AccountData, AccountFile, findResource } from "../simulator/account";
import { SimulatedAws } from "../simulator/provider";
import { recordedAccount } from "../simulator/recordedAccount";
import { T } from "../simulator/tokens";
import { latestOperation } from "../simulator/types/appRunner";
import { secret, UNKNOWN } from "../simulator/values";
import { tempDir } from "./tempDirs";

const US = { region: "us-east-1", accountId: "566287346479" };
const EU = { region: "eu-central-1", accountId: "905418046272" };
const RDS_GROUP = "sg-0e4cc786d9053f05f";
const CONNECTOR_GROUP = "sg-00bc5ec63287eacdd";
const SERVICE_ARN = "arn:aws:apprunner:us-east-1:566287346479:service/nerava-backend/88e85a3063c14ea9a1e39f8fdf3c35e3";
const CONNECTOR_SUBNETS = ["subnet-0c3e9b306737c3fb2", "subnet-0dd152da6d977861c"];

const urn = (type: string, name: string) => `urn:pulumi:prod::egress-remediation::${type}::${name}`;

function simulatedAccount(settings = US, account: AccountData = recordedAccount()): { aws: SimulatedAws; file: AccountFile } {
    const dir = tempDir("simulated-aws-");
    const file = new AccountFile(path.join(dir, "account.json"));
    file.write(account);
    return { aws: new SimulatedAws(file, () => settings, "7.48.0"), file };
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<void> {
    await assert.rejects(promise, (error: Error) => error.message.includes(`api error ${code}:`) || assert.fail(`expected ${code}, got: ${error.message}`));
}

/** The NAT path the program builds: EIP, NAT in the public subnet, a private table with 0.0.0.0/0 → NAT for both connector subnets. */
async function buildNatPath(aws: SimulatedAws): Promise<void> {
    const eip = await aws.create(urn(T.eip, "eip"), { domain: "vpc" });
    const nat = await aws.create(urn(T.natGateway, "nat"), { subnetId: "subnet-09f0b6b22836f635b", allocationId: eip.id });
    const table = await aws.create(urn(T.routeTable, "rt"), { vpcId: "vpc-0070057532e81973b" });
    await aws.create(urn(T.route, "route"), { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
    for (const subnetId of CONNECTOR_SUBNETS) await aws.create(urn(T.routeTableAssociation, subnetId), { subnetId, routeTableId: table.id });
}

describe("simulated AWS account", () => {
    describe("security-group rules", () => {
        it("refuses a rule that already exists with InvalidPermission.Duplicate, and accepts the same rule on another port", async () => {
            const { aws, file } = simulatedAccount();
            const rule = { securityGroupId: RDS_GROUP, ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: CONNECTOR_GROUP };
            await rejectsWithCode(aws.create(urn(T.ingressRule, "dup"), rule), "InvalidPermission.Duplicate");
            // Protocol "6" is TCP: still the same permission.
            await rejectsWithCode(aws.create(urn(T.ingressRule, "dup6"), { ...rule, ipProtocol: "6" }), "InvalidPermission.Duplicate");
            const created = await aws.create(urn(T.ingressRule, "new"), { ...rule, fromPort: 5433, toPort: 5433 });
            assert.match(created.id, /^sgr-[0-9a-f]{17}$/);
            assert.ok(findResource(file.read(), T.ingressRule, created.id));
        });

        it("refuses a rule on a group that does not exist", async () => {
            const { aws } = simulatedAccount();
            await rejectsWithCode(
                aws.create(urn(T.ingressRule, "r"), {
                    securityGroupId: "sg-0000000000000dead",
                    ipProtocol: "tcp",
                    fromPort: 1,
                    toPort: 1,
                    cidrIpv4: "10.0.0.0/8",
                }),
                "InvalidGroup.NotFound",
            );
        });

        it("refuses to delete a group another group's rule still references, and deletes it once unreferenced", async () => {
            const { aws, file } = simulatedAccount();
            const group = await aws.create(urn(T.securityGroup, "g"), { name: "g", vpcId: "vpc-0070057532e81973b" });
            const rule = await aws.create(urn(T.ingressRule, "r"), {
                securityGroupId: RDS_GROUP,
                ipProtocol: "tcp",
                fromPort: 6000,
                toPort: 6000,
                referencedSecurityGroupId: group.id,
            });
            await rejectsWithCode(aws.delete(group.id, urn(T.securityGroup, "g")), "DependencyViolation");
            await aws.delete(rule.id, urn(T.ingressRule, "r"));
            await aws.delete(group.id, urn(T.securityGroup, "g"));
            assert.strictEqual(findResource(file.read(), T.securityGroup, group.id), undefined);
        });

        it("stores a group's inline rules once it exists, and an update that drops one revokes it (no default egress rule)", async () => {
            const { aws, file } = simulatedAccount();
            const rule = (source: string) => ({ protocol: "tcp", fromPort: 6379, toPort: 6379, securityGroups: [source] });
            const inputs = { name: "redis", vpcId: "vpc-0070057532e81973b", ingress: [rule(CONNECTOR_GROUP), rule(RDS_GROUP)] };
            const group = await aws.create(urn(T.securityGroup, "redis"), inputs);
            const rulesOf = () =>
                file
                    .read()
                    .resources.filter((r) => r.type === T.ingressRule || r.type === T.egressRule)
                    .filter((r) => r.inputs.securityGroupId === group.id)
                    .map((r) => `${r.type === T.ingressRule ? "in" : "out"} ${String(r.inputs.referencedSecurityGroupId)}`)
                    .sort();
            assert.deepStrictEqual(rulesOf(), [`in ${CONNECTOR_GROUP}`, `in ${RDS_GROUP}`]);
            await aws.update(group.id, urn(T.securityGroup, "redis"), group.outs, { ...inputs, ingress: [rule(CONNECTOR_GROUP)] });
            assert.deepStrictEqual(rulesOf(), [`in ${CONNECTOR_GROUP}`]);
        });

        it("reads an adopted group's rules as its inline ingress", async () => {
            const { aws } = simulatedAccount();
            const read = await aws.read(RDS_GROUP, urn(T.securityGroup, "data-postgres-sg"));
            const ingress = read.props.ingress as { fromPort: number; cidrBlocks: string[] }[];
            assert.ok(ingress.some((r) => r.fromPort === 5432 && r.cidrBlocks.includes("0.0.0.0/0")));
            assert.strictEqual(ingress.length, 3);
        });

        it("imports a group with its live rules in the inputs, as the bridge does, so the policy pack sees the world-open rule", async () => {
            const { aws } = simulatedAccount();
            const imported = await aws.read(RDS_GROUP, urn(T.securityGroup, "data-postgres-sg"));
            const ingress = imported.inputs!.ingress as { fromPort: number; cidrBlocks: string[] }[];
            assert.ok(
                ingress.some((r) => r.fromPort === 5432 && r.cidrBlocks.includes("0.0.0.0/0")),
                JSON.stringify(imported.inputs),
            );
            assert.deepStrictEqual(Object.keys(imported.inputs!).sort(), ["description", "ingress", "name", "tags", "vpcId"]);
            // The connector group has no ingress: empty lists are left out, as the bridge drops zero values.
            const connector = await aws.read(CONNECTOR_GROUP, urn(T.securityGroup, "egress-connector-sg"));
            assert.strictEqual(connector.inputs!.ingress, undefined);
            assert.strictEqual((connector.inputs!.egress as unknown[]).length, 1);
            // A refresh keeps the inputs the engine already has.
            const refreshed = await aws.read(RDS_GROUP, urn(T.securityGroup, "data-postgres-sg"), { name: "default" });
            assert.strictEqual(refreshed.inputs!.ingress, undefined);
        });
    });

    describe("App Runner deployments", () => {
        const update = (aws: SimulatedAws, service: Record<string, any>) =>
            aws.update(SERVICE_ARN, urn(T.appRunnerService, "app"), service, {
                ...service,
                sourceConfiguration: { ...service.sourceConfiguration, autoDeploymentsEnabled: true },
            });

        /**
         * A failed deployment as pulumi-aws reports it: the update succeeds (the provider waits for RUNNING,
         * which the rolled-back service is), its outputs are the old configuration read back, the account
         * keeps the old configuration and lists the operation as ROLLBACK_SUCCEEDED.
         */
        async function assertRolledBack(file: AccountFile, deploy: () => Promise<{ outs?: Record<string, unknown> }>, reason: RegExp) {
            const before = findResource(file.read(), T.appRunnerService, SERVICE_ARN)!;
            const result = await deploy();
            assert.deepStrictEqual(result.outs, { ...before.outputs, id: SERVICE_ARN });
            assert.deepStrictEqual(findResource(file.read(), T.appRunnerService, SERVICE_ARN)!.inputs, before.inputs);
            const operation = latestOperation(file.read(), SERVICE_ARN)!;
            assert.deepStrictEqual([operation.type, operation.status], ["UPDATE_SERVICE", "ROLLBACK_SUCCEEDED"]);
            assert.match(operation.reason!, reason);
        }

        it("deploys on VPC egress with no NAT path at all: App Runner never checks where the instances can reach", async () => {
            const { aws, file } = simulatedAccount();
            const before = findResource(file.read(), T.appRunnerService, SERVICE_ARN)!;
            await update(aws, before.inputs);
            assert.strictEqual(latestOperation(file.read(), SERVICE_ARN)!.status, "SUCCEEDED");
        });

        it("rolls back a deployment whose HTTP health check path the image does not serve, and reports success as the provider does", async () => {
            const account = recordedAccount();
            const service = findResource(account, T.appRunnerService, SERVICE_ARN)!.inputs as Record<string, any>;
            account.images = { [service.sourceConfiguration.imageRepository.imageIdentifier]: { servesPaths: ["/health"] } };
            const { aws, file } = simulatedAccount(US, account);
            const wrongPath: Record<string, any> = structuredClone(service);
            wrongPath.healthCheckConfiguration = { protocol: "HTTP", path: "/healthz" };
            await assertRolledBack(
                file,
                () => aws.update(SERVICE_ARN, urn(T.appRunnerService, "app"), service, wrongPath),
                /does not answer HTTP \/healthz \(it serves \/health\)/,
            );
            wrongPath.healthCheckConfiguration.path = "/health";
            await aws.update(SERVICE_ARN, urn(T.appRunnerService, "app"), service, wrongPath);
            assert.strictEqual(latestOperation(file.read(), SERVICE_ARN)!.status, "SUCCEEDED");
        });

        it("fails a first deployment that cannot start (it ends CREATE_FAILED), and refuses to delete a connector in use", async () => {
            const { aws, file } = simulatedAccount();
            const service = structuredClone(findResource(file.read(), T.appRunnerService, SERVICE_ARN)!.inputs) as Record<string, any>;
            service.serviceName = "second";
            service.sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentSecrets = {
                TOKEN: "arn:aws:secretsmanager:us-east-1:566287346479:secret:missing-AbCdEf",
            };
            await assert.rejects(aws.create(urn(T.appRunnerService, "second"), service), /deployment failed .*can't find the specified secret/);
            const connector = String(service.networkConfiguration.egressConfiguration.vpcConnectorArn);
            await rejectsWithCode(aws.delete(connector, urn(T.vpcConnector, "egress-connector")), "InvalidStateException");
        });

        it("refuses an update while an operation is in progress, changing nothing", async () => {
            const account = recordedAccount();
            findResource(account, T.appRunnerService, SERVICE_ARN)!.outputs.status = "OPERATION_IN_PROGRESS";
            const { aws, file } = simulatedAccount(US, account);
            const before = findResource(file.read(), T.appRunnerService, SERVICE_ARN)!;
            await rejectsWithCode(update(aws, before.inputs), "InvalidStateException");
            assert.deepStrictEqual(findResource(file.read(), T.appRunnerService, SERVICE_ARN), before);
        });

        it("deploys once both connector subnets route 0.0.0.0/0 to a public NAT gateway in a subnet with an internet gateway", async () => {
            const { aws, file } = simulatedAccount();
            await buildNatPath(aws);
            const before = findResource(file.read(), T.appRunnerService, SERVICE_ARN)!;
            await update(aws, before.inputs);
            assert.strictEqual(
                (findResource(file.read(), T.appRunnerService, SERVICE_ARN)!.inputs as Record<string, any>).sourceConfiguration.autoDeploymentsEnabled,
                true,
            );
        });

        it("fails while the instance role's policy does not yet allow the secret's full ARN", async () => {
            const account = recordedAccount();
            const secretArn = "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/DATABASE_URL-Xy12Ab";
            account.resources.push({ type: T.secret, id: secretArn, region: "us-east-1", inputs: { name: "nerava/prod/DATABASE_URL" }, outputs: {} });
            const { aws, file } = simulatedAccount(US, account);
            await buildNatPath(aws);
            const role = await aws.create(urn(T.role, "role"), { assumeRolePolicy: "{}" });
            const service = findResource(file.read(), T.appRunnerService, SERVICE_ARN)!.inputs as Record<string, any>;
            const withSecret: Record<string, any> = structuredClone(service);
            withSecret.instanceConfiguration.instanceRoleArn = role.outs.arn as string;
            withSecret.sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentSecrets = {
                DATABASE_URL: "arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/DATABASE_URL",
            };
            const deploy = () => aws.update(SERVICE_ARN, urn(T.appRunnerService, "app"), service, withSecret);
            await assertRolledBack(file, deploy, /AccessDeniedException: .* secretsmanager:GetSecretValue on resource: .*DATABASE_URL-Xy12Ab/);

            // A grant of the configured string without the suffix matches nothing; `-??????` matches.
            // IAM action names ignore case, resources do not.
            const grant = (resource: string) =>
                JSON.stringify({ Statement: [{ Effect: "Allow", Action: "SecretsManager:getSecretValue", Resource: resource }] });
            await aws.create(urn(T.rolePolicy, "case"), {
                role: role.id,
                policy: grant("arn:aws:secretsmanager:us-east-1:566287346479:secret:NERAVA/prod/DATABASE_URL-??????"),
            });
            const exact = await aws.create(urn(T.rolePolicy, "exact"), {
                role: role.id,
                policy: grant("arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/DATABASE_URL"),
            });
            await assertRolledBack(file, deploy, /AccessDeniedException/);
            await aws.delete(exact.id, urn(T.rolePolicy, "exact"));
            await aws.create(urn(T.rolePolicy, "suffix"), {
                role: role.id,
                policy: grant("arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava/prod/DATABASE_URL-??????"),
            });
            await deploy();
            assert.strictEqual(latestOperation(file.read(), SERVICE_ARN)!.status, "SUCCEEDED");
        });
    });

    describe("Secrets Manager", () => {
        const grantAll = (role: string) => ({
            role,
            policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }] }),
        });

        it("names a secret's ARN with AWS's six-character suffix, refuses a taken name, and keeps a deleted name taken", async () => {
            const { aws } = simulatedAccount();
            const created = await aws.create(urn(T.secret, "s"), { name: "nerava-backend/TWILIO_AUTH_TOKEN" });
            assert.match(created.id, /^arn:aws:secretsmanager:us-east-1:566287346479:secret:nerava-backend\/TWILIO_AUTH_TOKEN-[0-9a-f]{6}$/);
            assert.strictEqual(created.outs.arn, created.id);
            await rejectsWithCode(aws.create(urn(T.secret, "again"), { name: "nerava-backend/TWILIO_AUTH_TOKEN" }), "ResourceExistsException");
            await aws.delete(created.id, urn(T.secret, "s"));
            await rejectsWithCode(aws.create(urn(T.secret, "after"), { name: "nerava-backend/TWILIO_AUTH_TOKEN" }), "InvalidRequestException");
        });

        it("refuses a version of a secret that does not exist", async () => {
            const { aws } = simulatedAccount();
            const missing = "arn:aws:secretsmanager:us-east-1:566287346479:secret:nope-abcdef";
            await rejectsWithCode(aws.create(urn(T.secretVersion, "v"), { secretId: missing, secretString: "x" }), "ResourceNotFoundException");
        });

        it("fails a deployment that reads a secret created without a value, and deploys once its version exists", async () => {
            const { aws, file } = simulatedAccount();
            await buildNatPath(aws);
            const role = await aws.create(urn(T.role, "role"), { assumeRolePolicy: "{}" });
            await aws.create(urn(T.rolePolicy, "read"), grantAll(role.id));
            const stored = await aws.create(urn(T.secret, "s"), { name: "nerava-backend/TWILIO_AUTH_TOKEN" });
            const service = findResource(file.read(), T.appRunnerService, SERVICE_ARN)!.inputs as Record<string, any>;
            const withSecret: Record<string, any> = structuredClone(service);
            withSecret.instanceConfiguration.instanceRoleArn = role.outs.arn as string;
            withSecret.sourceConfiguration.imageRepository.imageConfiguration.runtimeEnvironmentSecrets = { TWILIO_AUTH_TOKEN: stored.id };
            const deploy = () => aws.update(SERVICE_ARN, urn(T.appRunnerService, "app"), service, withSecret);
            const before = findResource(file.read(), T.appRunnerService, SERVICE_ARN)!.inputs;
            await deploy();
            assert.deepStrictEqual(findResource(file.read(), T.appRunnerService, SERVICE_ARN)!.inputs, before, "rolled back");
            assert.match(latestOperation(file.read(), SERVICE_ARN)!.reason!, /can't find the specified secret value for staging label: AWSCURRENT/);
            const version = await aws.create(urn(T.secretVersion, "v"), { secretId: stored.id, secretString: secret("s3cr3t") });
            assert.match(version.id, new RegExp(`^${stored.id}\\|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
            await deploy();
        });
    });

    describe("routing", () => {
        it("refuses a second explicit association of a subnet, and a second default route in a table", async () => {
            const { aws } = simulatedAccount();
            await buildNatPath(aws);
            const other = await aws.create(urn(T.routeTable, "other"), { vpcId: "vpc-0070057532e81973b" });
            await rejectsWithCode(
                aws.create(urn(T.routeTableAssociation, "again"), { subnetId: CONNECTOR_SUBNETS[0], routeTableId: other.id }),
                "Resource.AlreadyAssociated",
            );
            await aws.create(urn(T.route, "a"), { routeTableId: other.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-0f1e2d3c4b5a69788" });
            await rejectsWithCode(
                aws.create(urn(T.route, "b"), { routeTableId: other.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: "igw-0f1e2d3c4b5a69788" }),
                "RouteAlreadyExists",
            );
        });

        it("refuses a NAT gateway whose Elastic IP is already in use", async () => {
            const { aws } = simulatedAccount();
            const eip = await aws.create(urn(T.eip, "eip"), {});
            await aws.create(urn(T.natGateway, "a"), { subnetId: "subnet-09f0b6b22836f635b", allocationId: eip.id });
            await rejectsWithCode(
                aws.create(urn(T.natGateway, "b"), { subnetId: "subnet-09f0b6b22836f635b", allocationId: eip.id }),
                "Resource.AlreadyAssociated",
            );
        });
    });

    describe("ECS deployments", () => {
        it("fails a service whose execution role cannot pull images yet, and deploys once the managed policy is attached", async () => {
            const { aws } = simulatedAccount(EU);
            const role = await aws.create(urn(T.role, "exec"), { assumeRolePolicy: "{}" });
            const containers = [
                { name: "worker", image: "x@sha256:1", logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/ecs/sandbox-broker-api" } } },
            ];
            const task = await aws.create(urn(T.taskDefinition, "td"), {
                family: "sandbox-broker-worker",
                containerDefinitions: JSON.stringify(containers),
                executionRoleArn: role.outs.arn,
            });
            assert.match(task.id, /task-definition\/sandbox-broker-worker:1$/);
            const service = {
                name: "sandbox-broker-worker",
                cluster: "sandbox-broker-cluster",
                taskDefinition: task.id,
                desiredCount: 1,
                launchType: "FARGATE",
            };
            await assert.rejects(aws.create(urn(T.ecsService, "worker"), service), /circuit breaker.*ecr:GetAuthorizationToken/);
            await aws.create(urn(T.rolePolicyAttachment, "attach"), {
                role: role.id,
                policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            });
            const created = await aws.create(urn(T.ecsService, "worker"), service);
            assert.strictEqual(created.id, "arn:aws:ecs:eu-central-1:905418046272:service/sandbox-broker-cluster/sandbox-broker-worker");
            await rejectsWithCode(aws.create(urn(T.ecsService, "again"), service), "InvalidParameterException");
        });

        it("reads a bare secret name in valueFrom as an SSM parameter, as ECS does, so a Secrets Manager grant does not cover it", async () => {
            const account = recordedAccount();
            const secretArn = "arn:aws:secretsmanager:eu-central-1:905418046272:secret:sandbox-broker/API_TOKEN-Ab12Cd";
            account.resources.push({ type: T.secret, id: secretArn, region: "eu-central-1", inputs: { name: "sandbox-broker/API_TOKEN" }, outputs: {} });
            const { aws } = simulatedAccount(EU, account);
            const role = await aws.create(urn(T.role, "exec"), { assumeRolePolicy: "{}" });
            await aws.create(urn(T.rolePolicyAttachment, "attach"), {
                role: role.id,
                policyArn: "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
            });
            await aws.create(urn(T.rolePolicy, "read"), {
                role: role.id,
                policy: JSON.stringify({
                    Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `${secretArn.slice(0, -7)}-??????` }],
                }),
            });
            const start = async (valueFrom: string) => {
                const containers = [{ name: "worker", image: "x@sha256:1", secrets: [{ name: "API_TOKEN", valueFrom }] }];
                const task = await aws.create(urn(T.taskDefinition, "td"), {
                    family: "sandbox-broker-worker",
                    containerDefinitions: JSON.stringify(containers),
                    executionRoleArn: role.outs.arn,
                });
                const service = {
                    name: `w-${task.id.slice(-1)}`,
                    cluster: "sandbox-broker-cluster",
                    taskDefinition: task.id,
                    desiredCount: 1,
                    launchType: "FARGATE",
                };
                return aws.create(urn(T.ecsService, service.name), service);
            };
            await assert.rejects(
                start("sandbox-broker/API_TOKEN"),
                /ssm:GetParameters on resource: arn:aws:ssm:eu-central-1:905418046272:parameter\/sandbox-broker\/API_TOKEN/,
            );
            await start(`${secretArn}:::0b2c`); // a full ARN pinned to a version
        });

        it("numbers a family's new task definition after the recorded revision 8, and imports a service by cluster/name", async () => {
            const { aws } = simulatedAccount(EU);
            const task = await aws.create(urn(T.taskDefinition, "td"), { family: "sandbox-broker", containerDefinitions: "[]" });
            assert.match(task.id, /:task-definition\/sandbox-broker:9$/);
            const read = await aws.read("sandbox-broker-cluster/sandbox-broker", urn(T.ecsService, "api"));
            assert.strictEqual(read.id, "arn:aws:ecs:eu-central-1:905418046272:service/sandbox-broker-cluster/sandbox-broker");
            // An import of what is not there is refused by name; a refresh of what is gone answers an empty id.
            await assert.rejects(
                aws.read("sandbox-broker-cluster/nothing", urn(T.ecsService, "api")),
                /importing aws:ecs\/service:Service sandbox-broker-cluster\/nothing: no such resource/,
            );
            assert.strictEqual(
                (await aws.read("arn:aws:ecs:eu-central-1:905418046272:service/sandbox-broker-cluster/gone", urn(T.ecsService, "api"), { name: "gone" })).id,
                "",
            );
        });
    });

    describe("engine protocol", () => {
        it("auto-names like the provider, keeping a name the resource already has", async () => {
            const { aws } = simulatedAccount();
            const fresh = await aws.check(urn(T.securityGroup, "data-redis-sg"), {}, { vpcId: "v" });
            assert.match(String(fresh.inputs.name), /^data-redis-sg-[0-9a-f]{7}$/);
            // The same resource gets the same name on every check (a saved plan and its up agree), another one another name.
            assert.strictEqual((await aws.check(urn(T.securityGroup, "data-redis-sg"), {}, { vpcId: "v" })).inputs.name, fresh.inputs.name);
            const other = await aws.check(urn(T.securityGroup, "data-redis-sg").replace("urn:pulumi:prod::", "urn:pulumi:staging::"), {}, { vpcId: "v" });
            assert.notStrictEqual(other.inputs.name, fresh.inputs.name);
            const kept = await aws.check(urn(T.securityGroup, "data-redis-sg"), { name: "existing" }, { vpcId: "v" });
            assert.strictEqual(kept.inputs.name, "existing");
        });

        it("never auto-names a new resource with a name the account holds, as the engine's fresh seed never does", async () => {
            const { aws } = simulatedAccount();
            const first = await aws.check(urn(T.securityGroup, "data-redis-sg"), {}, { vpcId: "vpc-0070057532e81973b" });
            // A step back to adopt retains the group: it leaves the state and stays in AWS under its name.
            await aws.create(urn(T.securityGroup, "data-redis-sg"), first.inputs);
            const again = await aws.check(urn(T.securityGroup, "data-redis-sg"), {}, { vpcId: "vpc-0070057532e81973b" });
            assert.match(String(again.inputs.name), /^data-redis-sg-[0-9a-f]{7}$/);
            assert.notStrictEqual(again.inputs.name, first.inputs.name);
            await aws.create(urn(T.securityGroup, "data-redis-sg"), again.inputs);
        });

        it("diffs the keys the program sets, replacing on force-new keys and on preview unknowns in them", async () => {
            const { aws } = simulatedAccount();
            const olds = { subnetId: "subnet-a", allocationId: "eipalloc-1", tags: { a: "1" }, publicIp: "3.3.3.3" };
            assert.deepStrictEqual(
                await aws.diff("nat-1", urn(T.natGateway, "nat"), olds, { subnetId: "subnet-a", allocationId: "eipalloc-1", tags: { a: "1" } }),
                {
                    changes: false,
                    replaces: [],
                    deleteBeforeReplace: false,
                },
            );
            assert.deepStrictEqual(
                (await aws.diff("nat-1", urn(T.natGateway, "nat"), olds, { subnetId: "subnet-b", allocationId: "eipalloc-1", tags: { a: "2" } })).replaces,
                ["subnetId"],
            );
            assert.deepStrictEqual((await aws.diff("nat-1", urn(T.natGateway, "nat"), olds, { subnetId: UNKNOWN, allocationId: "eipalloc-1" })).replaces, [
                "subnetId",
            ]);
            const tagsOnly = await aws.diff("nat-1", urn(T.natGateway, "nat"), olds, { subnetId: "subnet-a", allocationId: "eipalloc-1", tags: { a: "2" } });
            assert.deepStrictEqual([tagsOnly.changes, tagsOnly.replaces], [true, []]);
        });

        it("stores what AWS receives without secret wrappers, and hands secrets back to the engine still wrapped", async () => {
            const { aws, file } = simulatedAccount();
            const created = await aws.create(urn(T.role, "r"), { name: "r", assumeRolePolicy: "{}", description: secret("s3cr3t-CANARY") });
            assert.deepStrictEqual(created.outs.description, secret("s3cr3t-CANARY"));
            assert.strictEqual(findResource(file.read(), T.role, "r")!.inputs.description, "s3cr3t-CANARY");
            const read = await aws.read("r", urn(T.role, "r"), created.outs);
            assert.deepStrictEqual(read.props.description, secret("s3cr3t-CANARY"));
        });

        it("scopes each provider to its region, and IAM to its account, as AWS does", async () => {
            const account = recordedAccount();
            const { aws: us, file } = simulatedAccount(US, account);
            const eu = new SimulatedAws(file, () => EU, "7.48.0");
            // The recorded ECS log group lives in eu-central-1: us-east-1 neither sees it nor clashes with it.
            const name = "/ecs/sandbox-broker-api";
            await rejectsWithCode(eu.create(urn(T.logGroup, "again"), { name }), "ResourceAlreadyExistsException");
            const read = await us.read(name, urn(T.logGroup, "lg"), { name });
            assert.strictEqual(read.id, "");
            await us.create(urn(T.logGroup, "lg"), { name });
            // Role names are unique per account, not across the two accounts.
            await us.create(urn(T.role, "r"), { name: "workloads-exec", assumeRolePolicy: "{}" });
            await eu.create(urn(T.role, "r"), { name: "workloads-exec", assumeRolePolicy: "{}" });
            await rejectsWithCode(eu.create(urn(T.role, "r2"), { name: "workloads-exec", assumeRolePolicy: "{}" }), "EntityAlreadyExists");
            const stored = file.read().resources.filter((r) => r.id === name || r.id === "workloads-exec");
            assert.deepStrictEqual(stored.map((r) => `${r.type} ${r.region}`).sort(), [
                `${T.logGroup} eu-central-1`,
                `${T.logGroup} us-east-1`,
                `${T.role} eu-central-1`,
                `${T.role} us-east-1`,
            ]);
        });

        it("takes over the lock of a provider that died mid-change, and waits for a live one", async () => {
            const { aws, file } = simulatedAccount();
            const lock = `${file.file}.lock`;
            fs.mkdirSync(lock);
            fs.writeFileSync(path.join(lock, "pid"), String(spawnSync("true").pid));
            await aws.create(urn(T.logGroup, "lg"), { name: "/after/a/crash" });
            assert.ok(findResource(file.read(), T.logGroup, "/after/a/crash"));
            assert.strictEqual(fs.existsSync(lock), false);
            // A lock whose holder still runs (this process) is respected: a change waits, then gives up naming the lock.
            fs.mkdirSync(lock);
            fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
            const impatient = new AccountFile(file.file, { lockTimeoutMs: 50 });
            assert.throws(() => impatient.update(() => undefined), /stayed locked for 0\.05 s/);
            assert.ok(fs.existsSync(lock));
        });

        it("refuses a type it does not model by name, instead of pretending to create it", async () => {
            const { aws } = simulatedAccount();
            await assert.rejects(aws.create(urn("aws:rds/instance:Instance", "db"), {}), /does not model aws:rds\/instance:Instance/);
        });
    });
});
