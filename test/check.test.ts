import * as assert from "assert";
import * as path from "path";
import { ToolResult } from "./cli";
import { runCliInProcess } from "./cliInProcess";
import { tempFile } from "./tempDirs";

const fixture = (name: string) => path.join(__dirname, "fixtures", name);

describe("npm run check (the checker command)", () => {
    const runs: Record<string, ToolResult> = {};
    // Several whole Node processes start at once on a shared machine: the hook gets room, no test is timed.
    before(async function () {
        this.timeout(120_000);
        const [seed, seedTable, preview, advisory, notJson, wrongShape, badConfig, noFile] = await Promise.all([
            runCliInProcess(["check", "--json", fixture("seed-rds-world-open.export.json")]),
            runCliInProcess(["check", fixture("seed-rds-world-open.export.json")]),
            runCliInProcess(["check", "--json", fixture("preview-without-nat.json")]),
            runCliInProcess([
                "check",
                "--json",
                "--policy-config",
                tempFile("p.json", '{"no-world-open-database-ingress": "advisory"}'),
                fixture("seed-rds-world-open.export.json"),
            ]),
            runCliInProcess(["check", tempFile("x.json", "{ not json")]),
            runCliInProcess(["check", "--json", tempFile("y.json", '{"deployment": {"resources": [{"urn": 3}]}}')]),
            runCliInProcess(["check", "--policy-config", tempFile("c.json", '{"no-such-policy": "mandatory"}'), fixture("seed-rds-world-open.export.json")]),
            runCliInProcess(["check", "/nonexistent/stack.json"]),
        ]);
        Object.assign(runs, { seed, seedTable, preview, advisory, notJson, wrongShape, badConfig, noFile });
    });

    it("--json prints exactly one object with resourcesChecked, violations and notEvaluated, and exits 1 on the seeds' rule", () => {
        assert.strictEqual(runs.seed.status, 1);
        const lines = runs.seed.stdout.trim().split("\n");
        assert.strictEqual(lines.length, 1);
        const result = JSON.parse(lines[0]);
        assert.deepStrictEqual(Object.keys(result), ["resourcesChecked", "violations", "notEvaluated"]);
        assert.strictEqual(result.resourcesChecked, 2);
        assert.deepStrictEqual(Object.keys(result.violations[0]), ["policyName", "enforcementLevel", "urn", "resourceType", "message"]);
        assert.strictEqual(result.violations[0].urn, "urn:pulumi:prod::egress-remediation::aws:ec2/securityGroup:SecurityGroup::nerava-rds-sg");
    });

    it("prints a readable table without --json", () => {
        assert.strictEqual(runs.seedTable.status, 1);
        assert.match(runs.seedTable.stdout, /│ mandatory │ no-world-open-database-ingress +│ nerava-rds-sg/);
    });

    it("catches the Twilio outage in a pulumi preview --json: VPC egress, connector subnets without NAT", () => {
        assert.strictEqual(runs.preview.status, 1);
        const { violations } = JSON.parse(runs.preview.stdout);
        assert.deepStrictEqual(
            violations.map((v: { policyName: string; resourceType: string }) => [v.policyName, v.resourceType]),
            [["apprunner-vpc-egress-has-nat", "aws:apprunner/service:Service"]],
        );
        assert.match(
            violations[0].message,
            /connector subnets subnet-0c3e9b306737c3fb2, subnet-0dd152da6d977861c have no 0\.0\.0\.0\/0 route to a NAT gateway/,
        );
    });

    it("honours a policy config that lowers the level (exit 0)", () => {
        assert.strictEqual(runs.advisory.status, 0);
        assert.strictEqual(JSON.parse(runs.advisory.stdout).violations[0].enforcementLevel, "advisory");
    });

    it("exits 2 with one line on stderr and nothing on stdout for unreadable or malformed input and bad config", () => {
        for (const [run, pattern] of [
            [runs.notJson, /x\.json is not valid JSON: Expected property name or '}' at line 1, column 3$/],
            [runs.wrongShape, /deployment\.resources\[0\] needs string "urn" and "type"/],
            [runs.badConfig, /^--policy-config .* names unknown policy "no-such-policy"/],
            [runs.noFile, /^input \/nonexistent\/stack.json does not exist$/],
        ] as const) {
            assert.strictEqual(run.status, 2, run.stderr);
            assert.strictEqual(run.stdout, "");
            assert.strictEqual(run.stderr.trim().split("\n").length, 1, run.stderr);
            assert.match(run.stderr.trim(), pattern);
        }
    });
});
