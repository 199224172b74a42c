import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { diffPlans } from "../tools/offline/diffPlans";
import { buildPlan } from "../tools/offline/planDocument";
import { readStackFile } from "../tools/offline/stackFiles";
import { ToolResult } from "./cli";
import { runCliInProcess } from "./cliInProcess";
import { atHarden, hardened, prodProjectWith as projectWith } from "./fixtures";
import { tempDir } from "./tempDirs";

/** Plans several tests compare against, each built once (about 0.3 s a plan); tests only read them. */
const shared = new Map<string, ReturnType<typeof buildPlan>>();
const prodPlan = () => memo("prod", () => buildPlan("prod", {}, atHarden));
const prodWithoutNat = () =>
    memo("prod without NAT", () =>
        buildPlan(
            "prod",
            {},
            hardened((c) => ((c["egress-remediation:appRunner"] as any).network.natMode = "none")),
        ),
    );
function memo(key: string, build: () => ReturnType<typeof buildPlan>): ReturnType<typeof buildPlan> {
    if (!shared.has(key)) shared.set(key, build());
    return shared.get(key)!;
}

describe("offline plan", () => {
    it("prod: no mandatory violations; holds the NAT, route, connector, App Runner and both ECS services", async () => {
        const plan = await prodPlan();
        assert.deepStrictEqual(plan.evaluation.violations, []);
        const types = new Set(plan.document.resources.map((r) => r.type));
        for (const type of ["aws:ec2/natGateway:NatGateway", "aws:ec2/route:Route", "aws:apprunner/vpcConnector:VpcConnector", "aws:apprunner/service:Service"])
            assert.ok(types.has(type), type);
        assert.strictEqual(plan.document.resources.filter((r) => r.type === "aws:ecs/service:Service").length, 2);
        assert.strictEqual(plan.document.cost.monthlyUsd, 36.5);
        assert.ok(plan.document.resources.every((r) => r.urn.startsWith("urn:pulumi:prod::egress-remediation::")));
    });

    // The command-line runs start together: each is a whole Node process.
    const runs: Record<string, ToolResult> = {};
    const CIPHER = "v1:Zm9vYmFyYmF6cXV4:c2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3Qtc2hvdw==";
    let secretProject = "";
    // Several whole Node processes start at once on a shared machine: the hook gets room, no test is timed.
    before(async function () {
        this.timeout(180_000);
        const noNat = projectWith(hardened((c) => (c["egress-remediation:appRunner"].network.natMode = "none")));
        const worldOpen = projectWith(hardened((c) => (c["egress-remediation:appRunner"].dataStores.cidrSources = { everyone: "0.0.0.0/0" })));
        const badTimeout = projectWith(hardened((c) => (c["egress-remediation:appRunner"].service.healthCheck.timeout = 30)));
        secretProject = projectWith(hardened((c) => (c["aws:secretKey"] = { secure: CIPHER })));
        const atHardenProject = projectWith(hardened(() => {}));
        const [json, world, nat, timeout, stack, flag, secret] = await Promise.all([
            runCliInProcess(["plan", "--stack", "prod", "--json"], { cwd: atHardenProject }),
            runCliInProcess(["plan", "--stack", "prod"], { cwd: worldOpen }),
            runCliInProcess(["plan", "--stack", "prod"], { cwd: noNat }),
            runCliInProcess(["plan", "--stack", "prod"], { cwd: badTimeout }),
            runCliInProcess(["plan", "--stack", "staging"]),
            runCliInProcess(["plan", "--stak", "prod"]),
            runCliInProcess(["plan", "--stack", "prod", "--json"], { cwd: secretProject }),
        ]);
        Object.assign(runs, { json, world, nat, timeout, stack, flag, secret });
    });

    it("--json prints one object with stack, resources, violations and cost; exit 0", () => {
        assert.strictEqual(runs.json.status, 0, runs.json.stderr);
        const doc = JSON.parse(runs.json.stdout);
        assert.deepStrictEqual(Object.keys(doc), ["stack", "resources", "violations", "notEvaluated", "cost", "unconfirmed", "unconfirmedLater", "stages"]);
        assert.deepStrictEqual(Object.keys(doc.resources[1]).slice(0, 5), ["urn", "type", "name", "parent", "inputs"]);
    });

    it("exits 1 naming the policy when the stack config opens 5432 to 0.0.0.0/0", () => {
        assert.strictEqual(runs.world.status, 1, runs.world.stderr);
        assert.match(runs.world.stdout, /no-world-open-database-ingress +│ mandatory │ 2 violation/);
        assert.match(runs.world.stdout, /data-postgres-from-everyone/);
    });

    it("exits 1 naming the policy when the connector subnets have no NAT route", () => {
        assert.strictEqual(runs.nat.status, 1, runs.nat.stderr);
        assert.match(runs.nat.stdout, /apprunner-vpc-egress-has-nat +│ mandatory │ 1 violation/);
    });

    it("dev (greenfield, awsx VPC with a NAT strategy): no violations, one NAT priced; with strategy None, the NAT policy fails", async () => {
        const dev = await buildPlan("dev");
        assert.deepStrictEqual(dev.evaluation.violations, []);
        assert.strictEqual(dev.document.cost.monthlyUsd, 36.5);
        const noNat = await buildPlan("dev", {}, (c) => ((c["egress-remediation:appRunner"] as any).network.natMode = "none"));
        assert.deepStrictEqual(
            noNat.evaluation.violations.map((v) => v.policyName),
            ["apprunner-vpc-egress-has-nat"],
        );
        assert.match(noNat.evaluation.violations[0].message, /uses subnets of egress-vpc, whose natGateways strategy is None/);
        assert.strictEqual(noNat.document.cost.monthlyUsd, 0);
    });

    it("a stack without the NAT fails exactly the NAT policy, on the App Runner service", async () => {
        const open = await prodWithoutNat();
        assert.deepStrictEqual(
            open.evaluation.violations.map((v) => [v.policyName, v.resourceType]),
            [["apprunner-vpc-egress-has-nat", "aws:apprunner/service:Service"]],
        );
    });

    it("exits 2 naming the key for a bad health-check timeout, with nothing on stdout", () => {
        assert.strictEqual(runs.timeout.status, 2);
        assert.strictEqual(runs.timeout.stdout, "");
        assert.strictEqual(
            runs.timeout.stderr.trim(),
            "egress-remediation:appRunner.service.healthCheck.timeout must be 1–20 seconds (App Runner limit); got 30",
        );
    });

    it("exits 2 on an unknown stack (one line) or flag (the error, then the usage)", () => {
        assert.strictEqual(runs.stack.status, 2);
        assert.strictEqual(runs.stack.stderr.trim(), "--stack staging: no Pulumi.staging.yaml; stacks here: dev, prod");
        assert.strictEqual(runs.flag.status, 2);
        assert.deepStrictEqual(runs.flag.stderr.trim().split("\n"), [
            "error: unknown option '--stak' (Did you mean --stack?)",
            "usage: egress-remediation plan [--stack <name>] [--json] [--out <file>] [--against <plan.json>] [--policy-config <file>]",
        ]);
    });

    it("--against: the NAT fix adds NAT, EIP, route table, route and associations, and nothing else", async () => {
        const before = await prodWithoutNat();
        const after = await prodPlan();
        const changes = diffPlans(before.document.resources, after.document.resources).map((c) => `${c.op} ${c.name}`);
        assert.deepStrictEqual(changes.sort(), [
            "+ egress-nat",
            "+ egress-nat-eip",
            "+ egress-nat-route",
            "+ egress-private-rt",
            "+ egress-rta-subnet-0c3e9b306737c3fb2",
            "+ egress-rta-subnet-0dd152da6d977861c",
        ]);
    });

    it("--against: a new image tag is an in-place update of the App Runner service; a new ECS image replaces its task definition", async () => {
        const before = await prodPlan();
        const after = await buildPlan(
            "prod",
            {},
            hardened((c) => {
                (c["egress-remediation:appRunner"] as any).service.image = "566287346479.dkr.ecr.us-east-1.amazonaws.com/nerava-backend:v23-fixed-cmd";
                (c["egress-remediation:ecs"] as any).api.image = "905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:v10";
            }),
        );
        const changes = diffPlans(before.document.resources, after.document.resources).map((c) => `${c.op} ${c.name} [${c.keys.join(",")}]`);
        assert.deepStrictEqual(changes.sort(), [
            "+- workloads-api-task [containerDefinitions]",
            "+- workloads-worker-task [containerDefinitions]",
            "~ app-service [sourceConfiguration]",
        ]);
    });

    it("--against: decommissioning the ECS part deletes its resources and nothing else; services, log groups and what they use stay in AWS", async () => {
        const before = await prodPlan();
        const after = await buildPlan(
            "prod",
            {},
            hardened((c) => Object.assign(c["egress-remediation:ecs"] as any, { enabled: false, decommission: true })),
        );
        const changes = diffPlans(before.document.resources, after.document.resources);
        assert.ok(changes.length > 0 && changes.every((c) => c.op === "-"), JSON.stringify(changes));
        assert.deepStrictEqual(
            changes
                .filter((c) => c.retained)
                .map((c) => c.name)
                .sort(),
            [
                "workloads-api",
                "workloads-api-logs",
                "workloads-api-task",
                "workloads-execution-policy",
                "workloads-execution-role",
                "workloads-tasks-sg",
                "workloads-worker",
                "workloads-worker-logs",
                "workloads-worker-task",
            ],
        );
        assert.deepStrictEqual(
            changes.map((c) => c.name).filter((n) => !n.startsWith("workloads")),
            ["ecs-account"],
        );
    });

    it("--json records each resource's options as `pulumi preview --json` does: protect, retainOnDelete, ignoreChanges, dependencies, import id", async () => {
        const doc = JSON.parse(runs.json.stdout);
        const byName = (name: string) => doc.resources.find((r: any) => r.name === name);
        const service = byName("app-service");
        assert.strictEqual(service.importId, "arn:aws:apprunner:us-east-1:566287346479:service/nerava-backend/88e85a3063c14ea9a1e39f8fdf3c35e3");
        assert.deepStrictEqual([service.protect, service.retainOnDelete], [true, true]);
        assert.ok(service.ignoreChanges.includes("encryptionConfiguration"));
        assert.ok(service.dependencies.includes(byName("app-read-secrets").urn), service.dependencies.join(", "));
        assert.ok(service.dependencies.includes(byName("egress-nat-route").urn), "the service waits for the NAT route through its connector ARN");
        const nat = byName("egress-nat");
        assert.deepStrictEqual([nat.protect, nat.retainOnDelete, nat.ignoreChanges], [false, false, []]);
        assert.deepStrictEqual(doc.unconfirmed.map((u: any) => u.key).slice(-1), ["appRunner.adopt.postgresIngressRuleIds.connector"]);
        assert.ok(doc.unconfirmed.every((u: any) => u.confirm.length > 0));
    });

    it("never prints a secure: value, and the program sees the key as secret", () => {
        assert.strictEqual(runs.secret.status, 0, runs.secret.stderr);
        assert.ok(!runs.secret.stdout.includes(CIPHER) && !runs.secret.stderr.includes(CIPHER));
        const file = readStackFile("prod", secretProject);
        assert.strictEqual(file.config["aws:secretKey"], "[secret]");
        assert.deepStrictEqual(file.secretKeys, ["aws:secretKey"]);
    });

    it("--against a plan read back from JSON reports no changes for the same config", async () => {
        const plan = await prodPlan();
        const roundTripped = JSON.parse(JSON.stringify(plan.document));
        assert.deepStrictEqual(diffPlans(roundTripped.resources, plan.document.resources), []);
    });

    it("the checker reads the plan's JSON and agrees: no mandatory violations (CI's path)", async () => {
        const file = path.join(tempDir("plan-"), "plan.json");
        fs.writeFileSync(file, runs.json.stdout);
        const check = await runCliInProcess(["check", "--json", file]);
        assert.strictEqual(check.status, 0, check.stderr);
        const result = JSON.parse(check.stdout);
        assert.strictEqual(result.resourcesChecked, JSON.parse(runs.json.stdout).resources.length);
        assert.deepStrictEqual(result.violations, []);
    });
});
