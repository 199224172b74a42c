import * as assert from "assert";
import {
    AuthorizeSecurityGroupIngressCommand,
    CreateSecurityGroupCommand,
    DeleteNatGatewayCommand,
    DescribeSecurityGroupRulesCommand,
    EC2Client,
} from "@aws-sdk/client-ec2";
import {
    CreateReplicationGroupCommand,
    DescribeCacheClustersCommand,
    DescribeCacheClustersCommandOutput,
    ElastiCacheClient,
} from "@aws-sdk/client-elasticache";
import { Moto, startMoto } from "../discover/motoServer";
import { APP_RUNNER_ACCOUNT, credentialsIn, DATABASE_PASSWORD, seedAccounts, SeededWorld } from "../discover/seedAccounts";
import { amend } from "./amend";
import { EgressVpc, egressVpc, hardenedService, IMAGE, lineWith, mockAppRunner, ROLLED_BACK, Run, set, SUCCEEDED, verify, verifyProject } from "./world";

describe("verify, App Runner part, against moto seeded with the seeds' account (App Runner itself answered by a mock)", function () {
    let moto: Moto;
    let world: SeededWorld;
    let fixed: EgressVpc;
    let worldOpenRule: string;
    const ec2 = async () =>
        new EC2Client({ endpoint: moto.endpoint, region: "us-east-1", credentials: await credentialsIn(moto.endpoint, APP_RUNNER_ACCOUNT) });

    before(async function () {
        // Services report this many running tasks when created, so their first deployment is COMPLETED.
        moto = await startMoto({ MOTO_ECS_SERVICE_RUNNING: "2" });
        world = await seedAccounts(moto.endpoint);
        fixed = await egressVpc(moto.endpoint, "public");
        const rules = await (await ec2()).send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: "group-id", Values: [world.appRunner.rdsSgId] }] }));
        worldOpenRule = rules.SecurityGroupRules!.find((r) => !r.IsEgress && r.CidrIpv4 === "0.0.0.0/0")!.SecurityGroupRuleId!;
    });
    after(async () => moto?.stop());

    /** Runs verify on one part with App Runner answering `service` and `operations`. */
    async function verifyAppRunner(
        vpc: EgressVpc,
        dir: string,
        service = hardenedService(),
        operations = [SUCCEEDED],
        now?: number,
        json = false,
    ): Promise<Run> {
        const appRunner = mockAppRunner(vpc, world, service, operations);
        try {
            return await verify(moto.endpoint, dir, { part: "appRunner", now, json });
        } finally {
            appRunner.restore();
        }
    }

    describe("the egress path (stage egress, as committed)", () => {
        it("holds after the NAT fix: each connector subnet routes to the available NAT, whose Elastic IP is printed", async () => {
            const run = await verifyAppRunner(fixed, verifyProject(world, fixed), hardenedService(), [ROLLED_BACK]);
            assert.strictEqual(run.code, 0, run.out + run.err);
            for (const id of fixed.connectorSubnetIds)
                assert.match(lineWith(run.out, `connector subnet ${id}`), new RegExp(`^  ok {4}egress: .* sends 0.0.0.0/0 to ${fixed.natId}$`));
            assert.match(
                lineWith(run.out, `NAT gateway ${fixed.natId}`),
                new RegExp(
                    `^  ok {4}egress: NAT gateway ${fixed.natId} is available in ${fixed.publicSubnetId} \\(0.0.0.0/0 → ${fixed.igwId}\\) with Elastic IP ${fixed.publicIp!.replace(/\./g, "\\.")} \\(${fixed.allocationId}\\)$`,
                ),
            );
            assert.ok(run.out.includes(`  NAT public IP(s), the address to give Twilio or any allow-list: ${fixed.publicIp}\n`), run.out);
            // The seeds' rolled-back operation predates the stack: stage egress deploys nothing to the service.
            assert.match(lineWith(run.out, ROLLED_BACK.Id!), /^ {2}ok {4}appRunner: .*ROLLBACK_SUCCEEDED; stage egress deploys nothing to the service$/);
            assert.match(lineWith(run.out, "data stores:"), /^ {2}-- {4}dataStores: data stores: stage egress does not manage their groups/);
            assert.match(run.out, /verify: all \d+ checks hold on stack prod\n$/);
        });

        it("prints the same checks as JSON with --json", async () => {
            const run = await verifyAppRunner(fixed, verifyProject(world, fixed), hardenedService(), [SUCCEEDED], undefined, true);
            const report = JSON.parse(run.out);
            assert.deepStrictEqual([report.stack, report.ok, report.failed], ["prod", true, 0]);
            assert.deepStrictEqual(
                report.parts.map((p: { part: string; stage: string }) => [p.part, p.stage]),
                [["appRunner", "egress"]],
            );
            assert.deepStrictEqual(report.parts[0].natPublicIps, [fixed.publicIp]);
            const route = report.parts[0].checks.find((c: { message: string }) => c.message.includes(fixed.connectorSubnetIds[0]));
            assert.deepStrictEqual(route, {
                area: "egress",
                status: "ok",
                message: `connector subnet ${fixed.connectorSubnetIds[0]} (us-east-1a): ${fixed.routeTableId} sends 0.0.0.0/0 to ${fixed.natId}`,
                command: `aws ec2 describe-route-tables --region us-east-1 --route-table-ids ${fixed.routeTableId}`,
            });
        });

        it("fails while a connector subnet has no NAT route (the seeds' VPC: the main table, no 0.0.0.0/0)", async () => {
            const seeded = {
                ...fixed,
                vpcId: world.appRunner.vpcId,
                connectorSubnetIds: world.appRunner.connectorSubnetIds,
                publicSubnetId: world.appRunner.publicSubnetId,
            };
            const run = await verifyAppRunner(seeded, verifyProject(world, seeded), hardenedService());
            assert.strictEqual(run.code, 1, run.out + run.err);
            for (const id of world.appRunner.connectorSubnetIds) {
                assert.match(
                    lineWith(run.out, `connector subnet ${id}`),
                    new RegExp(
                        `^  FAIL  egress: connector subnet ${id} \\(us-east-1[ab]\\): rtb-[0-9a-f]+ \\(the VPC's main table\\) has no 0.0.0.0/0 route; it needs one to a NAT gateway  \\[aws ec2 describe-route-tables --region us-east-1 --route-table-ids rtb-[0-9a-f]+\\]$`,
                    ),
                );
            }
            assert.ok(!run.out.includes("NAT public IP"), "no NAT, no address to print");
        });

        it("fails when the route's NAT gateway was deleted (AWS then reports the route blackholed)", async () => {
            const vpc = await egressVpc(moto.endpoint, "public");
            await (await ec2()).send(new DeleteNatGatewayCommand({ NatGatewayId: vpc.natId }));
            const run = await verifyAppRunner(vpc, verifyProject(world, vpc), hardenedService());
            assert.strictEqual(run.code, 1);
            assert.ok(
                lineWith(run.out, `NAT gateway ${vpc.natId}`).startsWith(
                    `  FAIL  egress: NAT gateway ${vpc.natId} (the route of ${vpc.connectorSubnetIds.join(", ")}) is deleted, not available  [aws ec2 describe-nat-gateways --region us-east-1 --nat-gateway-ids ${vpc.natId}]`,
                ),
                run.out,
            );
        });

        it("fails when the NAT sits in a subnet without a route to an internet gateway", async () => {
            const vpc = await egressVpc(moto.endpoint, "private");
            const run = await verifyAppRunner(vpc, verifyProject(world, { ...vpc, publicSubnetId: vpc.privateSubnetId }), hardenedService());
            assert.strictEqual(run.code, 1);
            assert.match(
                lineWith(run.out, `NAT gateway ${vpc.natId}`),
                new RegExp(
                    `^  FAIL  egress: NAT gateway ${vpc.natId} .* sits in ${vpc.privateSubnetId}, which has no 0.0.0.0/0 route, not to an internet gateway`,
                ),
            );
        });

        it("fails when the connector subnets route to the internet gateway instead (no public IPs: VPC egress needs NAT)", async () => {
            const vpc = await egressVpc(moto.endpoint, "public", "igw");
            const run = await verifyAppRunner(vpc, verifyProject(world, vpc), hardenedService());
            assert.strictEqual(run.code, 1);
            assert.match(
                lineWith(run.out, `connector subnet ${vpc.connectorSubnetIds[0]}`),
                new RegExp(`FAIL  egress: .* sends 0.0.0.0/0 to ${vpc.igwId}, not to a NAT gateway`),
            );
        });

        it("fails when the NAT is not the stack's: not in appRunner.network.publicSubnetIds", async () => {
            const run = await verifyAppRunner(fixed, verifyProject(world, { ...fixed, publicSubnetId: fixed.privateSubnetId }), hardenedService());
            assert.strictEqual(run.code, 1);
            assert.match(
                lineWith(run.out, `connector subnet ${fixed.connectorSubnetIds[0]}`),
                new RegExp(
                    `FAIL  egress: .* sends 0.0.0.0/0 to ${fixed.natId} in ${fixed.publicSubnetId}; the stack's NAT for it sits in ${fixed.privateSubnetId}`,
                ),
            );
        });

        it("fails when the live connector's subnets are not the stack's connector subnets", async () => {
            const other = { ...fixed, connectorSubnetIds: [fixed.connectorSubnetIds[0], fixed.privateSubnetId] as [string, string] };
            const appRunner = mockAppRunner(other, world, hardenedService());
            try {
                const run = await verify(moto.endpoint, verifyProject(world, fixed), { part: "appRunner" });
                assert.strictEqual(run.code, 1);
                assert.match(
                    lineWith(run.out, "connector nerava-vpc-connector subnets"),
                    new RegExp(
                        `FAIL  appRunner: connector nerava-vpc-connector subnets: missing ${fixed.connectorSubnetIds[1]}; unexpected ${fixed.privateSubnetId} against appRunner.network.connectorSubnetIds`,
                    ),
                );
            } finally {
                appRunner.restore();
            }
        });
    });

    describe("the App Runner service at stage harden", () => {
        const hardenFile = () => verifyProject(world, fixed, set(["appRunner.stage", "harden"], ["appRunner.adopt.postgresWorldOpenRuleId", "none"]));

        it("holds when the latest operation succeeded and the service runs the stack's image, port, health check, egress, size and variable names", async () => {
            const run = await verifyAppRunner(fixed, hardenFile());
            const lines = run.out.split("\n").filter((l) => /^ {2}\S+ +appRunner: /.test(l));
            assert.ok(lines.length >= 14, run.out);
            for (const line of lines) assert.match(line, /^ {2}ok {4}appRunner: /);
            assert.ok(lines.some((l) => l.includes(`latest operation ${SUCCEEDED.Id} (UPDATE_SERVICE) SUCCEEDED`)));
            assert.ok(lines.some((l) => l.endsWith('service nerava-backend health check path: "/health"')));
            assert.ok(lines.some((l) => l.endsWith("service nerava-backend variable names: ENV, OTP_PROVIDER, SKIP_STARTUP_VALIDATION")));
            assert.ok(lines.some((l) => l.endsWith("service nerava-backend secret names: DATABASE_URL, REDIS_URL")));
        });

        it("fails a rolled-back deployment (ROLLBACK_SUCCEEDED, RUNNING the old image), naming the operation and both images", async () => {
            const old = IMAGE.replace("v19-photo-fix", "v18");
            const service = hardenedService((s) => ({
                ...s,
                SourceConfiguration: { ImageRepository: { ...s.SourceConfiguration!.ImageRepository!, ImageIdentifier: old } },
            }));
            const run = await verifyAppRunner(fixed, hardenFile(), service, [ROLLED_BACK, SUCCEEDED]);
            assert.strictEqual(run.code, 1);
            assert.match(
                lineWith(run.out, "latest operation 5d416989"),
                /^ {2}FAIL {2}appRunner: service nerava-backend: latest operation 5d416989a4dd485dabb43390ef72e3a6 \(UPDATE_SERVICE\) ROLLBACK_SUCCEEDED; the running configuration is not the one deployed last {2}\[aws apprunner list-operations --region us-east-1 --service-arn arn:aws:apprunner:.* --max-results 5\]$/,
            );
            assert.ok(
                lineWith(run.out, "nerava-backend image:").startsWith(
                    `  FAIL  appRunner: service nerava-backend image: live "${old}", stack "${IMAGE}" (latest operation 5d416989a4dd485dabb43390ef72e3a6 (UPDATE_SERVICE) ROLLBACK_SUCCEEDED)  [aws apprunner describe-service`,
                ),
                run.out,
            );
        });

        it("fails while an operation is in progress", async () => {
            const run = await verifyAppRunner(
                fixed,
                hardenFile(),
                hardenedService((s) => ({ ...s, Status: "OPERATION_IN_PROGRESS" })),
                [{ ...SUCCEEDED, Status: "IN_PROGRESS" }],
            );
            assert.strictEqual(run.code, 1);
            assert.match(
                lineWith(run.out, "mid-operation"),
                /FAIL {2}appRunner: service nerava-backend is mid-operation: latest operation a1b2.* IN_PROGRESS; verify again when it ends/,
            );
            assert.match(lineWith(run.out, "is OPERATION_IN_PROGRESS"), /FAIL {2}appRunner: service nerava-backend is OPERATION_IN_PROGRESS, not RUNNING/);
        });

        it("fails each field that differs: egress, health check, size; and variables by name only, never a value", async () => {
            const service = hardenedService((s) => ({
                ...s,
                NetworkConfiguration: { EgressConfiguration: { EgressType: "DEFAULT" } },
                HealthCheckConfiguration: { ...s.HealthCheckConfiguration, Protocol: "TCP", Timeout: 2 },
                InstanceConfiguration: { Cpu: "2 vCPU", Memory: "4 GB" },
                SourceConfiguration: {
                    ImageRepository: {
                        ...s.SourceConfiguration!.ImageRepository!,
                        ImageConfiguration: {
                            ...s.SourceConfiguration!.ImageRepository!.ImageConfiguration!,
                            RuntimeEnvironmentVariables: { ENV: "prod", OTP_PROVIDER: "twilio_verify", DATABASE_PASSWORD },
                        },
                    },
                },
            }));
            const run = await verifyAppRunner(fixed, hardenFile(), service);
            assert.strictEqual(run.code, 1);
            const failed = (text: string) => lineWith(run.out, text).split("  [")[0];
            const op = "(latest operation a1b2c3d4e5f60718293a4b5c6d7e8f90 (UPDATE_SERVICE) SUCCEEDED)";
            assert.strictEqual(failed("egress type"), `  FAIL  appRunner: service nerava-backend egress type: live "DEFAULT", stack "VPC" ${op}`);
            assert.ok(
                failed("egress connector").startsWith('  FAIL  appRunner: service nerava-backend egress connector: live (unset), stack "arn:aws:apprunner:'),
            );
            assert.strictEqual(
                failed("health check protocol"),
                `  FAIL  appRunner: service nerava-backend health check protocol: live "TCP", stack "HTTP" ${op}`,
            );
            assert.strictEqual(failed("health check timeout"), `  FAIL  appRunner: service nerava-backend health check timeout: live 2, stack 10 ${op}`);
            assert.strictEqual(failed("instance CPU"), `  FAIL  appRunner: service nerava-backend instance CPU: live "2 vCPU", stack "1024" ${op}`);
            assert.strictEqual(
                failed("variable names"),
                `  FAIL  appRunner: service nerava-backend variable names: missing SKIP_STARTUP_VALIDATION; unexpected DATABASE_PASSWORD (values not shown; latest operation a1b2c3d4e5f60718293a4b5c6d7e8f90 (UPDATE_SERVICE) SUCCEEDED)`,
            );
            assert.ok(lineWith(run.out, "health check interval").startsWith("  ok    "), "an equal field passes beside the ones that differ");
            assert.ok(!(run.out + run.err).includes(DATABASE_PASSWORD));
        });
    });

    describe("the data stores' groups", () => {
        it("at adopt, passes the adopted world-open rule while its exemption is in force, saying until when", async () => {
            const dir = verifyProject(world, fixed, set(["appRunner.stage", "adopt"], ["appRunner.adopt.postgresWorldOpenRuleId", worldOpenRule]));
            const run = await verifyAppRunner(fixed, dir, hardenedService(), [ROLLED_BACK], Date.parse("2026-12-01T12:00:00Z"));
            assert.match(
                lineWith(run.out, `world-open rule ${worldOpenRule}`),
                new RegExp(
                    `^  ok {4}dataStores: world-open rule ${worldOpenRule} on ${world.appRunner.rdsSgId}: tcp 5432 from 0.0.0.0/0, which reaches 5432 \\(PostgreSQL\\): the adopt stage's exemption, in force until 2027-01-08 \\(harden deletes the rule\\)$`,
                ),
            );
            assert.match(lineWith(run.out, "ElastiCache nerava-redis"), /^ {2}-- {4}dataStores: ElastiCache nerava-redis stays in .* at stage adopt/);
        });

        it("at adopt, fails the same rule once its exemption has expired", async () => {
            const dir = verifyProject(world, fixed, set(["appRunner.stage", "adopt"], ["appRunner.adopt.postgresWorldOpenRuleId", worldOpenRule]));
            const run = await verifyAppRunner(fixed, dir, hardenedService(), [ROLLED_BACK], Date.parse("2027-01-09T00:00:00Z"));
            assert.strictEqual(run.code, 1);
            assert.match(
                lineWith(run.out, `world-open rule ${worldOpenRule}`),
                /FAIL {2}dataStores: .*: adopted, but policies\/exemptions\.json has no exemption in force for urn:pulumi:prod::egress-remediation::.*::data-postgres-world-open/,
            );
        });

        it("at harden, fails the world-open rule the harden update should have deleted", async () => {
            const run = await verifyAppRunner(fixed, verifyProject(world, fixed, set(["appRunner.stage", "harden"])), hardenedService());
            assert.strictEqual(run.code, 1);
            assert.match(
                lineWith(run.out, `world-open rule ${worldOpenRule}`),
                new RegExp(
                    `^  FAIL  dataStores: world-open rule ${worldOpenRule} on ${world.appRunner.rdsSgId}: tcp 5432 from 0.0.0.0/0, which reaches 5432 \\(PostgreSQL\\); stage harden allows none  \\[aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values=${world.appRunner.rdsSgId}\\]$`,
                ),
            );
        });

        describe("hardened: a PostgreSQL group reachable only from the connector's, Redis in the stack's own group", () => {
            let postgresGroup: string;
            let redisGroup: string;
            let restore: () => void;
            before(async () => {
                const client = await ec2();
                const group = async (name: string, tag: string) =>
                    (
                        await client.send(
                            new CreateSecurityGroupCommand({
                                GroupName: name,
                                Description: name,
                                VpcId: world.appRunner.vpcId,
                                TagSpecifications: [{ ResourceType: "security-group", Tags: [{ Key: "Name", Value: tag }] }],
                            }),
                        )
                    ).GroupId!;
                postgresGroup = await group("hardened-postgres", "data-postgres-sg");
                redisGroup = await group("data-redis-sg-1a2b3c4", "data-redis-sg");
                for (const [id, port] of [
                    [postgresGroup, 5432],
                    [redisGroup, 6379],
                ] as const)
                    await client.send(
                        new AuthorizeSecurityGroupIngressCommand({
                            GroupId: id,
                            IpPermissions: [
                                { IpProtocol: "tcp", FromPort: port, ToPort: port, UserIdGroupPairs: [{ GroupId: world.appRunner.connectorSgId }] },
                            ],
                        }),
                    );
                const cache = new ElastiCacheClient({
                    endpoint: moto.endpoint,
                    region: "us-east-1",
                    credentials: await credentialsIn(moto.endpoint, APP_RUNNER_ACCOUNT),
                });
                await cache.send(
                    new CreateReplicationGroupCommand({
                        ReplicationGroupId: "hardened-redis",
                        ReplicationGroupDescription: "hardened",
                        Engine: "redis",
                        CacheNodeType: "cache.t3.micro",
                        NumCacheClusters: 1,
                        SecurityGroupIds: [redisGroup],
                    }),
                );
                // moto keeps a replication group's security groups but creates no member cluster to report them on,
                // where AWS lists them (DescribeCacheClusters → SecurityGroups).
                const groupsOf: Record<string, string[]> = { "hardened-redis-001": [redisGroup], "nerava-redis-001": [world.appRunner.rdsSgId] };
                restore = amend<{ CacheClusterId?: string }, DescribeCacheClustersCommandOutput>(
                    ElastiCacheClient,
                    DescribeCacheClustersCommand,
                    (_output, input, error) => {
                        const groups = groupsOf[input.CacheClusterId ?? ""];
                        if (!groups) throw error;
                        return {
                            $metadata: {},
                            CacheClusters: [
                                {
                                    CacheClusterId: input.CacheClusterId,
                                    SecurityGroups: groups.map((SecurityGroupId) => ({ SecurityGroupId, Status: "active" })),
                                },
                            ],
                        };
                    },
                );
            });
            after(() => restore?.());

            const hardened = () =>
                verifyProject(
                    world,
                    fixed,
                    set(
                        ["appRunner.stage", "harden"],
                        ["appRunner.adopt.postgresSecurityGroupId", postgresGroup],
                        ["appRunner.dataStores.redisReplicationGroupId", "hardened-redis"],
                        ["appRunner.adopt.postgresWorldOpenRuleId", "none"],
                    ),
                );

            it("holds: no database port open to the internet, Redis in the group the stack gives it; the whole part exits 0", async () => {
                const run = await verifyAppRunner(fixed, hardened());
                assert.strictEqual(run.code, 0, run.out);
                assert.match(
                    lineWith(run.out, `no rule on ${postgresGroup}`),
                    /^ {2}ok {4}dataStores: no rule on sg-[0-9a-f]+ admits a database port from the internet/,
                );
                assert.strictEqual(
                    lineWith(run.out, "ElastiCache hardened-redis"),
                    `  ok    dataStores: ElastiCache hardened-redis sits in ${redisGroup} (data-redis-sg), the stack's Redis group`,
                );
            });

            it("fails Redis still in the database's group (the seeds' nerava-redis)", async () => {
                const dir = verifyProject(
                    world,
                    fixed,
                    set(
                        ["appRunner.stage", "harden"],
                        ["appRunner.adopt.postgresSecurityGroupId", postgresGroup],
                        ["appRunner.adopt.postgresWorldOpenRuleId", "none"],
                    ),
                );
                const run = await verifyAppRunner(fixed, dir);
                assert.strictEqual(run.code, 1);
                assert.match(
                    lineWith(run.out, "ElastiCache nerava-redis"),
                    new RegExp(
                        `^  FAIL  dataStores: ElastiCache nerava-redis sits in ${world.appRunner.rdsSgId}; the stack gives it only its own group \\(Name data-redis-sg\\)  \\[aws elasticache describe-cache-clusters`,
                    ),
                );
            });

            it("fails a rule re-added by hand that opens Redis's port to the whole IPv6 internet", async () => {
                await (
                    await ec2()
                ).send(
                    new AuthorizeSecurityGroupIngressCommand({
                        GroupId: redisGroup,
                        IpPermissions: [{ IpProtocol: "tcp", FromPort: 6000, ToPort: 6500, Ipv6Ranges: [{ CidrIpv6: "::/0" }] }],
                    }),
                );
                const run = await verifyAppRunner(fixed, hardened());
                assert.strictEqual(run.code, 1);
                assert.match(
                    lineWith(run.out, `on ${redisGroup}:`),
                    /FAIL {2}dataStores: world-open rule sgr-[0-9a-f]+ on sg-[0-9a-f]+: tcp 6000-6500 from ::\/0, which reaches 6379 \(Redis\); stage harden allows none/,
                );
            });
        });
    });
});
