import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { partTargets, PART_VARIABLE } from "../../config/stages";
import { T } from "../../simulator/tokens";
import { countChanges, POLICY_PACK_ARGS, StageWalkResult, walkStages } from "../../tools/engine/stageWalk";
import { EngineSandbox } from "../../tools/engine/sandbox";
import { runCli } from "../cli";
import { accountReadyForFirstUp, expectSuccess, prodSandbox, timed } from "./harness";
import { parse } from "yaml";

const WORLD_OPEN_RULE = "sgr-0c1a2b3c4d5e6f702";
const NONE = { create: 0, import: 0, update: 0, replace: 0, delete: 0 };

describe("the stages, by the real engine against the simulated account: egress, adopt, harden, one part at a time", function () {
    let sandbox: EngineSandbox;
    let walk: StageWalkResult;
    const lines: string[] = [];

    before(async function () {
        sandbox = await prodSandbox(undefined, "committed");
        walk = await timed("five staged updates", () => walkStages(sandbox, { stack: "prod", log: (line) => lines.push(line) }));
    });
    after(() => sandbox?.dispose());

    const stage = (part: string, name: string) => walk.stages.find((s) => s.part === part && s.stage === name)!;

    it("walks every stage in pull-request order with no failure and a clean second preview after each", () => {
        assert.strictEqual(walk.failure, undefined, `${walk.failure}\n${lines.join("\n").slice(-3000)}`);
        assert.deepStrictEqual(
            walk.stages.map((s) => `${s.part} ${s.stage}`),
            ["appRunner egress", "ecs adopt", "appRunner adopt", "ecs harden", "appRunner harden"],
        );
        for (const s of walk.stages) assert.deepStrictEqual(s.secondPreviewChanges, NONE, `${s.part} ${s.stage}`);
        for (const s of walk.stages) assert.strictEqual(s.changes.replace, 0, `${s.part} ${s.stage} replaces ${s.resources.replace}`);
    });

    it("the first update is the NAT path alone: creates only, nothing imported or changed", () => {
        const egress = stage("appRunner", "egress");
        assert.deepStrictEqual({ ...egress.changes, create: 0 }, NONE);
        assert.deepStrictEqual(egress.resources.create!.sort(), [
            "egress-nat",
            "egress-nat-eip",
            "egress-nat-route",
            "egress-private-rt",
            "egress-rta-subnet-0c3e9b306737c3fb2",
            "egress-rta-subnet-0dd152da6d977861c",
        ]);
    });

    it("adopt imports only (with the world-open rule visible as its own resource), and changes nothing", () => {
        for (const s of [stage("ecs", "adopt"), stage("appRunner", "adopt")])
            assert.deepStrictEqual({ ...s.changes, import: 0 }, NONE, `${s.part}: ${JSON.stringify(s.resources)}`);
        assert.deepStrictEqual(stage("ecs", "adopt").resources.import!.sort(), ["workloads-api", "workloads-api-logs"]);
        assert.ok(stage("appRunner", "adopt").resources.import!.includes("data-postgres-world-open"));
    });

    it("harden deletes the world-open rule and nothing else, after its replacement exists; no world-open rule is left", () => {
        assert.deepStrictEqual(stage("ecs", "harden").changes.delete, 0);
        assert.deepStrictEqual(stage("appRunner", "harden").resources.delete, ["data-postgres-world-open"]);
        assert.deepStrictEqual(walk.account.worldOpenDatabaseRules, []);
        const events = sandbox.account().events;
        const deleted = events.findIndex((e) => e.op === "delete" && e.id === WORLD_OPEN_RULE);
        // Its replacement on 5432, the connector's rule, was imported at adopt; Redis's own group, with its rule
        // inline, is created in the same update, before the rule goes.
        const account = sandbox.account();
        const redisGroupId = account.resources.find(
            (r) => r.type === T.securityGroup && (r.inputs.tags as Record<string, string>)?.Name === "data-redis-sg",
        )?.id;
        const redisGroup = events.findIndex((e) => e.op === "create" && e.id === redisGroupId);
        assert.ok(redisGroup >= 0 && redisGroup < deleted, "Redis's group is created before the world-open rule goes");
        assert.ok(
            account.resources.some(
                (r) =>
                    r.type === T.ingressRule &&
                    r.inputs.securityGroupId === "sg-0e4cc786d9053f05f" &&
                    r.inputs.referencedSecurityGroupId === "sg-00bc5ec63287eacdd",
            ),
            "the connector's rule on 5432 stays",
        );
        assert.deepStrictEqual(
            events.filter((e) => e.op === "delete").map((e) => e.id),
            [WORLD_OPEN_RULE],
            "the only delete in AWS across all stages",
        );
    });

    it("after harden every adopted resource is the live one under its live id, and each component records its outputs", async () => {
        const exported = await sandbox.pulumi(["stack", "export", "--stack", "prod"]);
        expectSuccess(exported, "pulumi stack export");
        const resources = JSON.parse(exported.stdout).deployment.resources as { urn: string; type: string; id?: string; outputs?: Record<string, unknown> }[];
        const idOf = (name: string) => resources.find((r) => r.urn.endsWith(`::${name}`))?.id;
        assert.deepStrictEqual(["egress-connector-sg", "data-postgres-sg", "data-redis", "app-service"].map(idOf), [
            "sg-00bc5ec63287eacdd",
            "sg-0e4cc786d9053f05f",
            "nerava-redis",
            "arn:aws:apprunner:us-east-1:566287346479:service/nerava-backend/88e85a3063c14ea9a1e39f8fdf3c35e3",
        ]);
        // Components record their outputs in state (`registerOutputs`), where stack references read them; the mocks keep no component.
        const outputsOf = (type: string) => Object.keys(resources.find((r) => r.type === type)?.outputs ?? {}).sort();
        assert.deepStrictEqual(outputsOf("egress-remediation:data:DataStoreAccess"), ["postgresSecurityGroupId", "redisSecurityGroupId"]);
        assert.deepStrictEqual(outputsOf("egress-remediation:apprunner:AppRunnerService"), ["instanceRoleArn", "serviceArn", "serviceUrl"]);
        assert.deepStrictEqual(outputsOf("egress-remediation:ecs:EcsWorker"), [
            "apiServiceName",
            "apiTaskDefinitionArn",
            "tasksSecurityGroupId",
            "workerServiceName",
            "workerTaskDefinitionArn",
        ]);
    });

    it("going back from harden to adopt neither re-creates the world-open rule nor fails on its import id", async () => {
        expectSuccess(await sandbox.pulumi(["config", "set", "--stack", "prod", "--path", "egress-remediation:appRunner.stage", "adopt"]), "config set");
        const targets = partTargets("egress-remediation", "prod", "appRunner").flatMap((glob) => ["--target", glob]);
        const preview = await sandbox.pulumi(["preview", "--stack", "prod", ...POLICY_PACK_ARGS, ...targets, "--json"], {
            env: { [PART_VARIABLE]: "appRunner" },
        });
        expectSuccess(preview, "pulumi preview back at adopt");
        const { resources } = countChanges(preview.stdout);
        assert.ok(!Object.values(resources).flat().includes("data-postgres-world-open"), JSON.stringify(resources));

        // The checker reads the engine's own preview output, not a hand-written file.
        const file = path.join(sandbox.root, "preview.json");
        fs.writeFileSync(file, preview.stdout);
        const checked = await runCli(["check", file]);
        assert.strictEqual(checked.status, 0, checked.stdout + checked.stderr);

        // What harden created and the live service and Redis still use leaves the state, not AWS.
        assert.deepStrictEqual(resources.delete?.sort(), ["app-instance-role", "app-read-secrets", "data-redis-sg"]);
        const before = sandbox.account().events.length;
        const env = { [PART_VARIABLE]: "appRunner" };
        expectSuccess(
            await sandbox.pulumi(["up", "--stack", "prod", "--yes", "--skip-preview", ...POLICY_PACK_ARGS, ...targets], { env }),
            "pulumi up back at adopt",
        );
        assert.deepStrictEqual(sandbox.account().events.slice(before), [], "stepping back changes nothing in AWS");
    });

    it("going forward to harden again creates new copies beside the retained ones and converges", async () => {
        expectSuccess(await sandbox.pulumi(["config", "set", "--stack", "prod", "--path", "egress-remediation:appRunner.stage", "harden"]), "config set");
        const targets = partTargets("egress-remediation", "prod", "appRunner").flatMap((glob) => ["--target", glob]);
        const env = { [PART_VARIABLE]: "appRunner" };
        expectSuccess(
            await sandbox.pulumi(["up", "--stack", "prod", "--yes", "--skip-preview", ...POLICY_PACK_ARGS, ...targets], { env }),
            "pulumi up at harden again",
        );
        const second = await sandbox.pulumi(["preview", "--stack", "prod", ...POLICY_PACK_ARGS, ...targets, "--json"], { env });
        expectSuccess(second, "second preview");
        assert.deepStrictEqual(countChanges(second.stdout).counts, NONE);
    });

    it("switching ECS off without decommission, after its adopt keys are gone, is refused by `up --skip-preview` before anything is deleted", async () => {
        const set = (key: string, ...value: string[]) =>
            sandbox.pulumi(["config", "set", "--stack", "prod", "--path", `egress-remediation:ecs.${key}`, ...value]);
        expectSuccess(await sandbox.pulumi(["config", "rm", "--stack", "prod", "--path", "egress-remediation:ecs.adopt"]), "config rm ecs.adopt");
        expectSuccess(await set("enabled", "--type", "bool", "false"), "config set ecs.enabled");
        const before = { events: sandbox.account().events.length, state: (await sandbox.pulumi(["stack", "export", "--stack", "prod"])).stdout };
        const up = await sandbox.pulumi(["up", "--stack", "prod", "--yes", "--skip-preview", ...POLICY_PACK_ARGS]);
        assert.notStrictEqual(up.status, 0, up.stdout);
        assert.match(up.stdout + up.stderr, /egress-remediation:ecs\.enabled is false without ecs\.decommission: true/);
        assert.strictEqual(sandbox.account().events.length, before.events, "nothing changed in the account");
        const after = JSON.parse((await sandbox.pulumi(["stack", "export", "--stack", "prod"])).stdout).deployment.resources.map((r: { urn: string }) => r.urn);
        assert.deepStrictEqual(
            after,
            JSON.parse(before.state).deployment.resources.map((r: { urn: string }) => r.urn),
            "nothing left the state",
        );
    });
});

describe("a rehearsal whose App Runner deployment rolls back, by the real engine against the simulated account", function () {
    it("fails at the stage that rolled back, naming the operation and its reason, though pulumi up itself succeeded", async () => {
        // The image serves only /: the committed health check path /health fails App Runner's check at harden.
        const file = parse(fs.readFileSync(path.join(__dirname, "..", "..", "Pulumi.prod.yaml"), "utf8")) as { config: Record<string, any> };
        const image = file.config["egress-remediation:appRunner"].service.image as string;
        const account = accountReadyForFirstUp();
        account.images = { [image]: { servesPaths: ["/"] } };
        const sandbox = await prodSandbox(account, "committed");
        try {
            const walk = await timed("five staged updates, the last rolled back", () => walkStages(sandbox, { stack: "prod", log: () => undefined }));
            assert.match(
                walk.failure ?? "",
                /^appRunner harden: pulumi up succeeded, but App Runner rolled the deployment back, so the service runs its previous configuration: operation [0-9a-f]{32} ROLLBACK_SUCCEEDED \(health check failed: .* does not answer HTTP \/health/,
            );
            assert.deepStrictEqual(
                walk.stages.map((s) => `${s.part} ${s.stage}`),
                ["appRunner egress", "ecs adopt", "appRunner adopt", "ecs harden"],
            );
        } finally {
            sandbox.dispose();
        }
    });
});
