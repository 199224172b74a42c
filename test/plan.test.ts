import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diffPlans } from "../tools/offline/diffPlans";
import { buildPlan } from "../tools/offline/planDocument";

const ROOT = path.resolve(__dirname, "..");
const TS_NODE = path.join(ROOT, "node_modules/.bin/ts-node");

function planProcess(args: string[]) {
    return spawnSync(TS_NODE, ["--transpile-only", "tools/plan.ts", ...args], { cwd: ROOT, encoding: "utf8" });
}

describe("offline plan", () => {
    it("prod: no mandatory violations; holds the NAT, route, connector, App Runner and both ECS services", async () => {
        const plan = await buildPlan("prod");
        assert.deepStrictEqual(plan.evaluation.violations, []);
        const types = new Set(plan.document.resources.map((r) => r.type));
        for (const type of ["aws:ec2/natGateway:NatGateway", "aws:ec2/route:Route", "aws:apprunner/vpcConnector:VpcConnector", "aws:apprunner/service:Service"])
            assert.ok(types.has(type), type);
        assert.strictEqual(plan.document.resources.filter((r) => r.type === "aws:ecs/service:Service").length, 2);
        assert.strictEqual(plan.document.cost.monthlyUsd, 36.5);
        assert.ok(plan.document.resources.every((r) => r.urn.startsWith("urn:pulumi:prod::egress-remediation::")));
    });

    it("--json prints one object with stack, resources, violations and cost; exit 0", () => {
        const result = planProcess(["--stack", "prod", "--json"]);
        assert.strictEqual(result.status, 0, result.stderr);
        const doc = JSON.parse(result.stdout);
        assert.deepStrictEqual(Object.keys(doc), ["stack", "resources", "violations", "cost"]);
        assert.deepStrictEqual(Object.keys(doc.resources[1]).slice(0, 5), ["urn", "type", "name", "parent", "inputs"]);
    });

    it("a stack that opens 5432 to 0.0.0.0/0 or drops the NAT fails the mandatory policies (exit 1 path)", async () => {
        const open = await buildPlan("prod", {}, (c) => {
            (c["egress-remediation:appRunner"] as any).network.natMode = "none";
        });
        assert.deepStrictEqual([...new Set(open.evaluation.violations.map((v) => v.policyName))], ["apprunner-vpc-egress-has-nat"]);
    });

    it("exits 2 naming the key for a bad health-check timeout, with nothing on stdout", () => {
        const result = spawnSync(
            process.execPath,
            [
                "-r",
                "ts-node/register/transpile-only",
                "-e",
                `const s=require("./tools/offline/stackFiles");const r=s.readStackFile;s.readStackFile=(n)=>{const f=r(n);f.config["egress-remediation:appRunner"].service.healthCheck.timeout=30;return f};require("./tools/plan.ts")`,
            ],
            { cwd: ROOT, encoding: "utf8" },
        );
        assert.strictEqual(result.status, 2);
        assert.strictEqual(result.stdout, "");
        assert.strictEqual(result.stderr.trim(), "egress-remediation:appRunner.service.healthCheck.timeout must be 1–20 seconds (App Runner limit); got 30");
    });

    it("exits 2 on an unknown stack or flag, one line each", () => {
        const stack = planProcess(["--stack", "staging"]);
        assert.strictEqual(stack.status, 2);
        assert.strictEqual(stack.stderr.trim(), "--stack staging: no Pulumi.staging.yaml; stacks here: dev, prod");
        const flag = planProcess(["--stak", "prod"]);
        assert.strictEqual(flag.status, 2);
        assert.strictEqual(flag.stderr.trim().split("\n").length, 1);
    });

    it("--against: the NAT fix adds NAT, EIP, route table, route and associations, and nothing else", async () => {
        const before = await buildPlan("prod", {}, (c) => ((c["egress-remediation:appRunner"] as any).network.natMode = "none"));
        const after = await buildPlan("prod");
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
        const before = await buildPlan("prod");
        const after = await buildPlan("prod", {}, (c) => {
            (c["egress-remediation:appRunner"] as any).service.image = "566287346479.dkr.ecr.us-east-1.amazonaws.com/nerava-backend:v23-fixed-cmd";
            (c["egress-remediation:ecs"] as any).api.image = "905418046272.dkr.ecr.eu-central-1.amazonaws.com/sandbox-broker-api:v10";
        });
        const changes = diffPlans(before.document.resources, after.document.resources).map((c) => `${c.op} ${c.name} [${c.keys.join(",")}]`);
        assert.deepStrictEqual(changes.sort(), [
            "+- workloads-api-task [containerDefinitions]",
            "+- workloads-worker-task [containerDefinitions]",
            "~ app-service [sourceConfiguration]",
        ]);
    });

    it("--against a plan read back from JSON reports no changes for the same config", async () => {
        const plan = await buildPlan("prod");
        const roundTripped = JSON.parse(JSON.stringify(plan.document));
        assert.deepStrictEqual(diffPlans(roundTripped.resources, plan.document.resources), []);
    });

    it("the checker reads the plan's JSON and agrees: no mandatory violations (CI's path)", () => {
        const plan = execFileSync(TS_NODE, ["--transpile-only", "tools/plan.ts", "--json"], {
            cwd: ROOT,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
        });
        const file = path.join(os.tmpdir(), `plan-${process.pid}.json`);
        fs.writeFileSync(file, plan);
        const check = spawnSync(TS_NODE, ["--transpile-only", "tools/check.ts", "--json", file], { cwd: ROOT, encoding: "utf8" });
        assert.strictEqual(check.status, 0, check.stderr);
        const result = JSON.parse(check.stdout);
        assert.strictEqual(result.resourcesChecked, JSON.parse(plan).resources.length);
        assert.deepStrictEqual(result.violations, []);
    });
});
