import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { CreateSecretCommand, DescribeSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { DescribeSecurityGroupRulesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from "@aws-sdk/client-ecs";
import { runDiscover } from "../../tools/discover/run";
import { IAM_ACTIONS } from "../../tools/discover/iamActions";
import { readStackFile } from "../../tools/offline/stackFiles";
import { projectConfigFrom, validateStackConfig } from "../../config/validate";
import { unconfirmedValues } from "../../config/unconfirmed";
import { enforceIam, Moto, startMoto } from "./motoServer";
import { iamUserWith } from "./iamUser";
import { APP_RUNNER_ACCOUNT, credentialsIn, DATABASE_PASSWORD, ECS_ACCOUNT, seedAccounts, SeededWorld } from "./seedAccounts";
import { LIVE_ENV, mockAppRunner, projectDir, SECRET_LOOKING, SERVICE_ARN, useCredentials } from "./world";

interface Run {
    readonly code: number;
    readonly out: string;
    readonly err: string;
}

const STACK_FILE = "Pulumi.prod.yaml";
const ENV_COMMENT = "        # Twilio Verify sends the OTP codes; the team switches providers here.";

describe("discover against moto, seeded with the seeds' two accounts", function () {
    let moto: Moto;
    let world: SeededWorld;
    let rules: { connector: string; worldOpen: string };

    before(async function () {
        // The ECS services report this many running tasks, so their deployments are COMPLETED.
        moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: "2" });
        world = await seedAccounts(moto.endpoint);
        const ec2 = new EC2Client({ endpoint: moto.endpoint, region: "us-east-1", credentials: await credentialsIn(moto.endpoint, APP_RUNNER_ACCOUNT) });
        const found = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [world.appRunner.rdsSgId] }] }));
        const ingress = (found.SecurityGroupRules ?? []).filter((r) => !r.IsEgress);
        rules = {
            connector: ingress.find((r) => r.FromPort === 5432 && r.ReferencedGroupInfo?.GroupId === world.appRunner.connectorSgId)!.SecurityGroupRuleId!,
            worldOpen: ingress.find((r) => r.CidrIpv4 === "0.0.0.0/0")!.SecurityGroupRuleId!,
        };
    });
    after(async () => moto?.stop());

    async function discover(
        dir: string,
        options: {
            write?: boolean;
            terraformState?: string;
            operationStatus?: string;
            serviceArn?: string;
            accounts?: { appRunner?: string; ecs?: string };
        } = {},
        before: () => void = () => undefined,
    ): Promise<Run> {
        const restore = await useCredentials(moto.endpoint, dir, options.accounts);
        const appRunner = mockAppRunner(world, { operationStatus: options.operationStatus, serviceArn: options.serviceArn });
        let out = "";
        let err = "";
        try {
            before();
            const code = await runDiscover({
                stack: "prod",
                root: dir,
                endpoint: moto.endpoint,
                write: options.write,
                terraformState: options.terraformState,
                out: (t) => (out += t),
                err: (t) => (err += t),
            });
            return { code, out, err };
        } finally {
            appRunner.restore();
            restore();
        }
    }

    const stackText = (dir: string) => fs.readFileSync(path.join(dir, STACK_FILE), "utf8");
    const secretsClient = async () =>
        new SecretsManagerClient({ endpoint: moto.endpoint, region: "us-east-1", credentials: await credentialsIn(moto.endpoint, APP_RUNNER_ACCOUNT) });

    describe("while the REDIS_URL secret does not exist", () => {
        let dir: string;
        let run: Run;
        before(async () => {
            dir = projectDir(world);
            run = await discover(dir, { write: true });
        });

        it("fails the secret's check, says how to create it, and writes nothing", () => {
            assert.strictEqual(run.code, 1, run.err);
            assert.match(
                run.out,
                /FAIL {2}appRunner\.service\.secrets\.REDIS_URL: secret nerava\/prod\/REDIS_URL does not exist in us-east-1; create it \(aws secretsmanager create-secret --name nerava\/prod\/REDIS_URL/,
            );
            assert.match(run.out, /Not written: 1 check\(s\) failed/);
            assert.strictEqual(stackText(dir), projectDirText(world));
        });

        it("rejects the configured public subnet (main route table, no default route) and proposes the one routed to the internet gateway", () => {
            const { privateSubnetId, publicSubnetId, publicRouteTableId, igwId } = world.appRunner;
            assert.match(run.out, new RegExp(`warn {2}public subnet ${privateSubnetId} \\(appRunner.network.publicSubnetIds\\) has no 0.0.0.0/0 route`));
            assert.match(run.out, new RegExp(`appRunner.network.publicSubnetIds: \\["${privateSubnetId}"\\] → \\["${publicSubnetId}"\\]`));
            assert.ok(run.out.includes(`${publicSubnetId} → ${publicRouteTableId} → ${igwId}`), run.out);
        });

        it("reports each connector subnet's current route table: the main one, without a default route", () => {
            for (const id of world.appRunner.connectorSubnetIds) {
                assert.match(
                    run.out,
                    new RegExp(`ok {4}connector subnet ${id} \\(us-east-1[ab]\\): rtb-[0-9a-f]+ \\(the VPC's main table\\), no 0.0.0.0/0 route`),
                );
            }
        });

        it("names the world-open rule on the RDS group by its sgr- id, and only that one", () => {
            assert.match(
                run.out,
                new RegExp(
                    `warn {2}world-open rule ${rules.worldOpen} on ${world.appRunner.rdsSgId}: tcp 5432 from 0.0.0.0/0, which reaches 5432 \\(PostgreSQL\\); the adopt stage imports it and the harden stage deletes it`,
                ),
            );
            assert.ok(!run.out.includes(`world-open rule ${rules.connector}`));
        });

        it("never prints a secret value", () => {
            assert.ok(!(run.out + run.err).includes(DATABASE_PASSWORD));
        });
    });

    describe("once every configured secret exists", () => {
        let dir: string;
        let original: string;
        let written: Run;
        let redisArn: string;
        let databaseArn: string;
        before(async () => {
            const secrets = await secretsClient();
            redisArn = (await secrets.send(new CreateSecretCommand({ Name: "nerava/prod/REDIS_URL", SecretString: "redis://nerava-redis:6379/0" }))).ARN!;
            databaseArn = (await secrets.send(new DescribeSecretCommand({ SecretId: "nerava/prod/DATABASE_URL" }))).ARN!;
            // A team's comment inside the env map, and its keys in an order of their own.
            dir = projectDir(world, (t) =>
                t.replace(
                    '        ENV: prod\n        OTP_PROVIDER: twilio_verify\n        SKIP_STARTUP_VALIDATION: "true"\n',
                    `        SKIP_STARTUP_VALIDATION: "true"\n${ENV_COMMENT}\n        OTP_PROVIDER: twilio_verify\n        ENV: prod\n`,
                ),
            );
            original = stackText(dir);
            written = await discover(dir, { write: true });
        });

        it("writes the live values, each under a note saying where it came from", () => {
            assert.strictEqual(written.code, 0, written.out + written.err);
            assert.match(written.out, /Wrote Pulumi\.prod\.yaml \(\d+ value\(s\)\)/);
            const config = parse(stackText(dir)).config;
            const ar = config["egress-remediation:appRunner"];
            const ecs = config["egress-remediation:ecs"];
            assert.deepStrictEqual(ar.network.publicSubnetIds, [world.appRunner.publicSubnetId]);
            assert.deepStrictEqual(ar.adopt.postgresIngressRuleIds, { connector: rules.connector });
            assert.strictEqual(ar.adopt.postgresWorldOpenRuleId, rules.worldOpen, "adopted by id so the harden stage deletes it");
            // Names stay names (the program resolves them); both secrets are confirmed to exist.
            assert.deepStrictEqual(ar.service.secrets, { DATABASE_URL: "nerava/prod/DATABASE_URL", REDIS_URL: "nerava/prod/REDIS_URL" });
            assert.ok(
                written.out.includes(`ok    appRunner.service.secrets.DATABASE_URL: secret nerava/prod/DATABASE_URL exists (${databaseArn})`),
                written.out,
            );
            assert.ok(written.out.includes(`ok    appRunner.service.secrets.REDIS_URL: secret nerava/prod/REDIS_URL exists (${redisArn})`), written.out);
            assert.match(ar.adopt.connectorEgressRuleId, /^sgr-[0-9a-f]+$/);
            assert.strictEqual(ecs.api.containerName, "sandbox-broker-api");
            assert.strictEqual(ecs.api.taskRoleArn, `arn:aws:iam::${ECS_ACCOUNT}:role/sandbox-broker-task`);
            // Every entry was confirmed and dropped, except the two whose live variables were left out.
            assert.deepStrictEqual(
                config["egress-remediation:unverified"].map((e: { key: string; reason: string }) => [e.key, e.reason]),
                [
                    [
                        "appRunner.service.env",
                        `discover left out the live variable(s) ${[...SECRET_LOOKING].sort().join(", ")}, which look secret: create a Secrets Manager secret for each, list it under appRunner.service.secrets, then run discover again`,
                    ],
                    [
                        "ecs.api.env",
                        "discover left out the live variable(s) SENTRY_DSN, which look secret: store each in Secrets Manager, list its ARN under ecs.api.secrets, then run discover again",
                    ],
                ],
            );
            assert.strictEqual(ecs.vpcId, world.ecs.vpcId);
            assert.deepStrictEqual(ecs.subnetIds, world.ecs.subnetIds);
            assert.strictEqual(ecs.api.image, `${ECS_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api@${world.ecs.imageDigest}`);
            assert.deepStrictEqual([ecs.api.cpu, ecs.api.memory, ecs.api.containerPort], [1024, 2048, 8000]);
            assert.deepStrictEqual(ecs.api.env, { LOG_LEVEL: "info", POOL_SIZE: "20" });
            assert.deepStrictEqual(ecs.adopt, { apiService: true, apiLogGroup: true, workerService: true, workerLogGroup: true });
            assert.match(ecs.api.loadBalancer.targetGroupArn, /:targetgroup\/sandbox-broker\//);
            const text = stackText(dir);
            assert.ok(text.includes(`# discover: from ecr:DescribeImages sandbox-broker-api:latest (running in ecs:DescribeTaskDefinition sandbox-broker:8)`));
            assert.ok(
                text.includes(`# discover: from ec2:DescribeSecurityGroupRules ${world.appRunner.rdsSgId}: tcp 5432 from ${world.appRunner.connectorSgId}`),
            );
        });

        it("copies every plain live variable and none that looks secret, and lists those by name under secrets", () => {
            const env = parse(stackText(dir)).config["egress-remediation:appRunner"].service.env;
            const plain = Object.keys(LIVE_ENV).filter((k) => !SECRET_LOOKING.includes(k) && k !== "DATABASE_URL" && k !== "REDIS_URL");
            assert.deepStrictEqual(Object.keys(env).sort(), plain.sort());
            for (const name of plain) assert.strictEqual(env[name], LIVE_ENV[name]);
            assert.ok(
                stackText(dir).includes(`# discover: not copied (they look secret): ${[...SECRET_LOOKING].sort().join(", ")}; create a Secrets Manager secret`),
            );
            assert.ok(!stackText(dir).includes(DATABASE_PASSWORD));
            assert.ok(!(written.out + written.err).includes(DATABASE_PASSWORD));
        });

        it("notes the ECS API's secret-looking variable under ecs.api.secrets in the file too, not only in the report", () => {
            const text = stackText(dir);
            const ecsPart = text.slice(text.indexOf("  egress-remediation:ecs:"), text.indexOf("  egress-remediation:unverified:"));
            assert.match(
                ecsPart,
                /\n {6}# discover: not copied \(they look secret\): SENTRY_DSN; create a Secrets Manager secret for each and add NAME: <its full ARN> here\n {6}secrets:/,
            );
            assert.deepStrictEqual(Object.keys(parse(text).config["egress-remediation:ecs"].api.env), ["LOG_LEVEL", "POOL_SIZE"]);
        });

        it("keeps every comment and the order of every key that was there", () => {
            const text = stackText(dir);
            const comments = original.split("\n").filter((l) => l.trim().startsWith("#"));
            for (const line of comments) assert.ok(text.includes(line), `lost comment: ${line}`);
            const keys = (t: string) => t.split("\n").flatMap((l) => /^\s*([A-Za-z_:.-]+):/.exec(l)?.[1] ?? []);
            const after = keys(text);
            let at = 0;
            // The unverified list at the end is dropped on purpose once every entry is confirmed.
            for (const key of keys(original.split("  egress-remediation:unverified:")[0])) {
                at = after.indexOf(key, at);
                assert.ok(at >= 0, `key ${key} moved or vanished`);
            }
        });

        it("edits the env map in place: the comment inside it stays above its key, the keys there keep their order", () => {
            const text = stackText(dir);
            assert.ok(text.includes(`        SKIP_STARTUP_VALIDATION: "true"\n${ENV_COMMENT}\n        OTP_PROVIDER: twilio_verify\n        ENV: prod\n`), text);
            const env = Object.keys(parse(text).config["egress-remediation:appRunner"].service.env);
            assert.deepStrictEqual(env.slice(0, 3), ["SKIP_STARTUP_VALIDATION", "OTP_PROVIDER", "ENV"]);
        });

        it("leaves a file the program's own validation accepts", () => {
            const { config } = readStackFile("prod", dir);
            const raw = projectConfigFrom(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, JSON.stringify(v)])));
            const result = validateStackConfig(raw);
            assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
            // Only the variables left out still make `pulumi up` refuse.
            assert.deepStrictEqual(
                unconfirmedValues(result.config).map((u) => u.key),
                ["appRunner.service.env", "ecs.api.env"],
            );
        });

        it("finds nothing to change on a second run", async () => {
            const before = stackText(dir);
            const again = await discover(dir, { write: true });
            assert.strictEqual(again.code, 0, again.out + again.err);
            assert.match(again.out, /No value in Pulumi\.prod\.yaml differs from the accounts/);
            assert.match(again.out, /already says what the accounts say; nothing to write/);
            assert.strictEqual(stackText(dir), before);
        });

        it("lists what Terraform also manages among what the stack now adopts, with the state rm commands", async () => {
            const state = path.join(dir, "terraform.tfstate");
            const egressRuleId = parse(stackText(dir)).config["egress-remediation:appRunner"].adopt.connectorEgressRuleId;
            fs.writeFileSync(state, JSON.stringify(terraformState(egressRuleId)));
            const run = await discover(dir, { terraformState: state });
            assert.strictEqual(run.code, 0, run.out + run.err);
            const commands = run.out.split("\n").filter((l) => l.trim().startsWith("terraform state rm"));
            assert.deepStrictEqual(
                commands.map((l) => l.trim()),
                [
                    // Quoted for any POSIX shell: zsh takes [0] for a glob and refuses the unquoted command.
                    "terraform state rm 'aws_ecs_service.api[0]'",
                    `terraform state rm 'module.worker.aws_ecs_service.this["worker"]'`,
                    "terraform state rm 'aws_cloudwatch_log_group.api'",
                    "terraform state rm 'aws_vpc_security_group_egress_rule.connector_all'",
                ],
            );
            assert.ok(run.out.includes(`  - connector egress rule ${egressRuleId}: aws_vpc_security_group_egress_rule.connector_all\n`), run.out);
        });

        it("drops the env entries once every secret-looking variable is a secret the stack lists", async () => {
            const secrets = await secretsClient();
            const lines: string[] = [];
            for (const name of SECRET_LOOKING) {
                await secrets.send(new CreateSecretCommand({ Name: `nerava/prod/${name}`, SecretString: "x" }));
                lines.push(`        ${name}: nerava/prod/${name}\n`);
            }
            const ecsSecrets = new SecretsManagerClient({
                endpoint: moto.endpoint,
                region: "eu-central-1",
                credentials: await credentialsIn(moto.endpoint, ECS_ACCOUNT),
            });
            const sentryArn = (await ecsSecrets.send(new CreateSecretCommand({ Name: "sandbox-broker/SENTRY_DSN", SecretString: "x" }))).ARN!;
            const text = stackText(dir)
                .replace("        REDIS_URL: nerava/prod/REDIS_URL\n", `        REDIS_URL: nerava/prod/REDIS_URL\n${lines.join("")}`)
                .replace(/\n {6}secrets: \{\}\n/, `\n      secrets:\n        SENTRY_DSN: ${sentryArn}\n`);
            fs.writeFileSync(path.join(dir, STACK_FILE), text);
            const run = await discover(dir, { write: true });
            assert.strictEqual(run.code, 0, run.out + run.err);
            assert.match(run.out, /Confirmed, so dropped from egress-remediation:unverified: appRunner\.service\.env, ecs\.api\.env\n/);
            assert.strictEqual(parse(stackText(dir)).config["egress-remediation:unverified"], undefined);
        });
    });

    it("takes the App Runner service ARN from the service of that name, settling the seeds' two ARNs", async () => {
        const seed001 = `arn:aws:apprunner:us-east-1:${APP_RUNNER_ACCOUNT}:service/nerava-backend/1b544696f3d34f118215146f96c7dda9`;
        const run = await discover(projectDir(world), { serviceArn: seed001 });
        assert.ok(
            run.out.includes(`  appRunner.adopt.serviceArn: "${SERVICE_ARN}" → "${seed001}"\n      from apprunner:ListServices nerava-backend\n`),
            run.out,
        );
    });

    it("fails when App Runner is mid-operation, naming the operation", async () => {
        const run = await discover(projectDir(world), { operationStatus: "IN_PROGRESS" });
        assert.strictEqual(run.code, 1);
        assert.match(
            run.out,
            /FAIL {2}App Runner nerava-backend is mid-operation: operation 5d416989a4dd485dabb43390ef72e3a6 \(UPDATE_SERVICE\) is IN_PROGRESS/,
        );
    });

    it("fails when an ECS service is mid-deployment", async () => {
        const ecs = new ECSClient({ endpoint: moto.endpoint, region: "eu-central-1", credentials: await credentialsIn(moto.endpoint, ECS_ACCOUNT) });
        const network = { awsvpcConfiguration: { subnets: world.ecs.subnetIds, securityGroups: [world.ecs.sgId] } };
        // Five wanted, two running (MOTO_ECS_SERVICE_RUNNING): the rollout is IN_PROGRESS.
        await ecs.send(
            new CreateServiceCommand({
                cluster: "sandbox-broker-cluster",
                serviceName: "busy-broker",
                taskDefinition: "sandbox-broker:8",
                desiredCount: 5,
                networkConfiguration: network,
            }),
        );
        const run = await discover(projectDir(world, (t) => t.replace("    name: sandbox-broker\n", "    name: busy-broker\n")));
        assert.strictEqual(run.code, 1);
        assert.match(run.out, /FAIL {2}ECS API busy-broker is mid-deployment: deployment ecs-svc\/\d+ is IN_PROGRESS \(2\/5 running\)/);
    });

    it("assumes the configured role, on top of the ambient credentials, to read the ECS account", async () => {
        const dir = projectDir(world, (t) => t.replace("      profile: okta-sso\n", `      assumeRoleArn: arn:aws:iam::${ECS_ACCOUNT}:role/discover-read\n`));
        // The okta-sso profile is gone: only the assumed role can reach 905418046272.
        const run = await discover(dir, {}, () => (process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "no-such-credentials")));
        assert.strictEqual(run.err, "");
        assert.match(run.out, new RegExp(`ecs.vpcId: "vpc-00000000000000000" → "${world.ecs.vpcId}"`));
    });

    it("prints, without writing, where the live worker differs from its config", async () => {
        const dir = projectDir(world, (t) =>
            t
                .replace('      command: ["python", "-m", "app.worker"]\n', '      command: ["python", "-m", "app.jobs"]\n')
                .replace("      stopped: false\n", "      stopped: true\n"),
        );
        const run = await discover(dir);
        assert.ok(
            run.out.includes("  - ECS worker sandbox-broker-worker wants 1 task(s); the config says 0 (ecs.worker), which the first up applies\n"),
            run.out,
        );
        assert.ok(
            run.out.includes(
                `  - ECS worker sandbox-broker-worker runs command ["python","-m","app.worker"]; the config says ["python","-m","app.jobs"] (ecs.worker.command)\n`,
            ),
            run.out,
        );
        assert.ok(!/ecs\.worker\.(command|stopped|desiredCount):/.test(run.out), "worker values are never changed");
    });

    it("refuses credentials of another account before reading anything (the provider's allowedAccountIds)", async () => {
        const dir = projectDir(world);
        const run = await discover(dir, { write: true, accounts: { appRunner: "123456789012" } });
        assert.strictEqual(run.code, 2);
        assert.strictEqual(run.out, "");
        assert.strictEqual(
            run.err,
            "discover: appRunner: the credentials belong to account 123456789012, not 566287346479 (appRunner.account.id); nothing was read\n",
        );
        assert.strictEqual(stackText(dir), projectDirText(world));
    });

    it("says in one line how to provide credentials when the profile has none", async () => {
        const dir = projectDir(world);
        const run = await discover(dir, {}, () => (process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "no-such-credentials")));
        assert.strictEqual(run.code, 2);
        assert.strictEqual(
            run.err,
            "discover: no AWS credentials for the ecs account 905418046272 (eu-central-1): profile okta-sso (ecs.account.profile): run `aws sso login --profile okta-sso` or fix ~/.aws/config\n",
        );
    });

    it("names the missing action when IAM denies one (moto enforcing a policy without ecs:DescribeTaskDefinition)", async () => {
        const dir = projectDir(world, (t) =>
            t.replace("  egress-remediation:appRunner:\n    enabled: true\n", "  egress-remediation:appRunner:\n    enabled: false\n    decommission: true\n"),
        );
        const user = await iamUserWith(
            moto.endpoint,
            ECS_ACCOUNT,
            "discover-without-describe-task-definition",
            IAM_ACTIONS.filter((a) => a !== "ecs:DescribeTaskDefinition"),
        );
        let out = "";
        let err = "";
        const restore = await useCredentials(moto.endpoint, dir);
        fs.writeFileSync(
            path.join(dir, "user-credentials"),
            `[okta-sso]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`,
        );
        process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, "user-credentials");
        await enforceIam(moto.endpoint, true);
        let code: number;
        try {
            code = await runDiscover({ stack: "prod", root: dir, endpoint: moto.endpoint, out: (t) => (out += t), err: (t) => (err += t) });
        } finally {
            await enforceIam(moto.endpoint, false);
            restore();
        }
        assert.strictEqual(code, 2, out);
        assert.match(
            err,
            /^discover: access denied: ecs:DescribeTaskDefinition in ecs account 905418046272 \(eu-central-1\); allow it \(the README lists discover's read-only policy\)\n$/,
        );
    });

    describe("a live API with container secrets and a secret in its command, and a stack referencing a secretValues value", () => {
        let dir: string;
        let run: Run;
        let dbPasswordArn: string;
        before(async () => {
            const ecsConfig = { endpoint: moto.endpoint, region: "eu-central-1", credentials: await credentialsIn(moto.endpoint, ECS_ACCOUNT) };
            const secrets = await secretsClient();
            await secrets.send(new CreateSecretCommand({ Name: "nerava/prod/REDIS_URL", SecretString: "redis://nerava-redis:6379/0" })).catch((error) => {
                if (error.name !== "ResourceExistsException") throw error;
            });
            dbPasswordArn = (
                await new SecretsManagerClient(ecsConfig).send(new CreateSecretCommand({ Name: "leaky/db-password", SecretString: DATABASE_PASSWORD }))
            ).ARN!;
            const ecs = new ECSClient(ecsConfig);
            const registered = await ecs.send(
                new RegisterTaskDefinitionCommand({
                    family: "leaky-broker",
                    requiresCompatibilities: ["FARGATE"],
                    networkMode: "awsvpc",
                    cpu: "512",
                    memory: "1024",
                    containerDefinitions: [
                        {
                            name: "leaky-broker-api",
                            image: `${ECS_ACCOUNT}.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:latest`,
                            essential: true,
                            portMappings: [{ containerPort: 8000, protocol: "tcp" }],
                            command: ["sh", "-c", `API_TOKEN=${DATABASE_PASSWORD} exec uvicorn app.main:app --port 8000`],
                            secrets: [
                                { name: "DB_PASSWORD", valueFrom: dbPasswordArn },
                                { name: "SIGNING_KEY", valueFrom: "/leaky/signing-key" },
                                { name: "DB_USER", valueFrom: `${dbPasswordArn}:username::` },
                            ],
                        },
                    ],
                }),
            );
            await ecs.send(
                new CreateServiceCommand({
                    cluster: "sandbox-broker-cluster",
                    serviceName: "leaky-broker",
                    taskDefinition: registered.taskDefinition!.taskDefinitionArn!,
                    desiredCount: 2,
                    launchType: "FARGATE",
                    networkConfiguration: { awsvpcConfiguration: { subnets: world.ecs.subnetIds, securityGroups: [world.ecs.sgId] } },
                }),
            );
            dir = projectDir(world, (t) =>
                t
                    .replace("    name: sandbox-broker\n", "    name: leaky-broker\n")
                    .replace(
                        "        REDIS_URL: nerava/prod/REDIS_URL\n",
                        "        REDIS_URL: nerava/prod/REDIS_URL\n        TWILIO_AUTH_TOKEN: secretValues.TWILIO_AUTH_TOKEN\n",
                    )
                    .replace(
                        "  egress-remediation:unverified:\n",
                        "  egress-remediation:secretValues:\n    TWILIO_AUTH_TOKEN:\n      secure: v1:AAAAAAAAAAAAAAAAAAAAAA==\n  egress-remediation:unverified:\n",
                    ),
            );
            run = await discover(dir, { write: true });
        });

        it("checks no secret for a secretValues reference (the program stores it) and writes the file", () => {
            assert.strictEqual(run.code, 0, run.out + run.err);
            assert.ok(
                run.out.includes(
                    "ok    appRunner.service.secrets.TWILIO_AUTH_TOKEN: secretValues.TWILIO_AUTH_TOKEN, which the program stores; nothing to read",
                ),
                run.out,
            );
            assert.ok(!run.out.includes("--name secretValues."), run.out);
            assert.match(run.out, /Wrote Pulumi\.prod\.yaml/);
        });

        it("writes the container's secrets into ecs.api.secrets as ARNs, and reports the change with its source", () => {
            const ecs = parse(stackText(dir)).config["egress-remediation:ecs"];
            const signingKey = `arn:aws:ssm:eu-central-1:${ECS_ACCOUNT}:parameter/leaky/signing-key`;
            assert.deepStrictEqual(ecs.api.secrets, { DB_PASSWORD: dbPasswordArn, SIGNING_KEY: signingKey });
            assert.ok(run.out.includes("  ecs.api.secrets: (unset) → {"), run.out);
            assert.ok(run.out.includes("      from ecs:DescribeTaskDefinition leaky-broker:1 container leaky-broker-api secrets\n"), run.out);
            assert.ok(stackText(dir).includes("# discover: from ecs:DescribeTaskDefinition leaky-broker:1 container leaky-broker-api secrets"));
            assert.ok(!run.out.includes("the stack config has no key for these"), run.out);
        });

        it("leaves the command out and names the argument that looked secret, never its value", () => {
            const ecs = parse(stackText(dir)).config["egress-remediation:ecs"];
            assert.strictEqual(ecs.api.command, undefined);
            assert.ok(
                run.out.includes(
                    "warn  ecs.api.command: the live command (ecs:DescribeTaskDefinition leaky-broker:1 container leaky-broker-api) is not copied: command[2] (a NAME=value part where its name contains TOKEN) looks secret",
                ),
                run.out,
            );
            assert.ok(!(run.out + run.err).includes(DATABASE_PASSWORD));
            assert.ok(!stackText(dir).includes(DATABASE_PASSWORD));
        });

        it("keeps an unverified entry for each value it could not copy, naming what is missing and how to see it", () => {
            const unverified = parse(stackText(dir)).config["egress-remediation:unverified"];
            const entry = (key: string) => unverified.find((e: { key: string }) => e.key === key);
            assert.deepStrictEqual(entry("ecs.api.secrets"), {
                key: "ecs.api.secrets",
                reason: "discover could not copy the live secret(s) DB_USER (a JSON key or version of a secret); store each as its own secret, list it here, then run discover again",
                confirm:
                    "aws ecs describe-task-definition --region eu-central-1 --profile okta-sso --task-definition leaky-broker:1 --query 'taskDefinition.containerDefinitions[?name==`leaky-broker-api`].secrets[].name'",
            });
            assert.match(
                entry("ecs.api.command").reason,
                /^discover did not copy the live command: command\[2\] \(a NAME=value part where its name contains TOKEN\) looks secret/,
            );
            const kept = run.out.split("Kept in egress-remediation:unverified, with what is still missing:\n")[1]?.split("\n\n")[0] ?? "";
            assert.deepStrictEqual(
                kept.split("\n").map((l) => l.split(":")[0]),
                ["  - appRunner.service.env", "  - ecs.api.command", "  - ecs.api.secrets"],
            );
            assert.ok(!stackText(dir).includes(DATABASE_PASSWORD));
        });

        it("leaves a file the program's own validation accepts, the secretValues reference included", () => {
            const { config, secretKeys } = readStackFile("prod", dir);
            const raw = projectConfigFrom(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, JSON.stringify(v)])));
            const result = validateStackConfig(raw, new Set(secretKeys.map((k) => k.slice("egress-remediation:".length))));
            assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
            assert.strictEqual(result.config.appRunner?.service.secrets.TWILIO_AUTH_TOKEN, "secretValues.TWILIO_AUTH_TOKEN");
        });
    });
});

/** The stack file as projectDir writes it, before discover touches it. */
function projectDirText(world: SeededWorld): string {
    return fs.readFileSync(path.join(projectDir(world), STACK_FILE), "utf8");
}

/** A Terraform state (format 4) as the seeds' team would have it: the ECS services and more. */
function terraformState(connectorEgressRuleId: string) {
    const cluster = `arn:aws:ecs:eu-central-1:${ECS_ACCOUNT}:cluster/sandbox-broker-cluster`;
    return {
        version: 4,
        terraform_version: "1.9.8",
        serial: 42,
        lineage: "0c6b5d8e-3f1e-4c55-9e0b-6c1b7a4f0d11",
        outputs: {},
        resources: [
            {
                mode: "managed",
                type: "aws_ecs_service",
                name: "api",
                provider: 'provider["registry.terraform.io/hashicorp/aws"]',
                instances: [{ index_key: 0, attributes: { name: "sandbox-broker", cluster } }],
            },
            {
                module: "module.worker",
                mode: "managed",
                type: "aws_ecs_service",
                name: "this",
                provider: 'provider["registry.terraform.io/hashicorp/aws"]',
                instances: [{ index_key: "worker", attributes: { name: "sandbox-broker-worker", cluster } }],
            },
            { mode: "data", type: "aws_ecs_service", name: "lookup", instances: [{ attributes: { name: "sandbox-broker", cluster } }] },
            {
                mode: "managed",
                type: "aws_cloudwatch_log_group",
                name: "api",
                instances: [{ attributes: { id: "/ecs/sandbox-broker-api", name: "/ecs/sandbox-broker-api" } }],
            },
            {
                mode: "managed",
                type: "aws_vpc_security_group_egress_rule",
                name: "connector_all",
                instances: [{ attributes: { id: connectorEgressRuleId, security_group_rule_id: connectorEgressRuleId } }],
            },
            { mode: "managed", type: "aws_ecs_cluster", name: "main", instances: [{ attributes: { name: "sandbox-broker-cluster" } }] },
            { mode: "managed", type: "aws_s3_bucket", name: "artifacts", instances: [{ attributes: { id: "sandbox-broker-artifacts" } }] },
        ],
    };
}
