import * as assert from "assert";
import * as path from "path";
import { diffConfig, planRollback, RollbackRefused } from "../tools/rollback/planRollback";
import { runRollback } from "../tools/rollback/runRollback";
import { UpdateRecord } from "../tools/rollback/stackOperations";
import { runTool, ToolResult } from "./cli";
import { configJson } from "../tools/rollback/automationStack";
import { FakeStack } from "./fakeStack";

async function rollback(stack: FakeStack, options: { to?: number; yes?: boolean } = {}) {
    const lines: string[] = [];
    const outcome = await runRollback(stack, { to: options.to, yes: options.yes ?? false, policyPack: "policies", print: (l) => lines.push(l) });
    return { outcome, output: lines.join("\n") };
}

async function refusal(stack: FakeStack, options: { to?: number; yes?: boolean } = {}): Promise<string> {
    await assert.rejects(rollback(stack, options), RollbackRefused);
    return rollback(stack, options).then(
        () => "",
        (e: Error) => e.message,
    );
}

describe("rollback", () => {
    it("picks the newest succeeded update before the current one, skipping refreshes and failures", async () => {
        const stack = new FakeStack();
        const { outcome, output } = await rollback(stack);
        assert.deepStrictEqual(outcome, { applied: false, targetVersion: 13 });
        assert.match(output, /from update 15 \(failed\) to update 13 \(succeeded\)/);
        assert.match(output, /Update 13 ran from commit 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b/);
    });

    it("prints the config diff but never a secret value", async () => {
        const { output } = await rollback(new FakeStack());
        assert.match(output, /~ egress-remediation:appRunner: .*v20-otp-fix-fixed.* → .*v19-photo-fix/);
        assert.match(output, /~ aws:secretKey: \[secret\] → \[secret\]/);
        assert.doesNotMatch(output, /SECRET-NEW|SECRET-OLD/);
    });

    it("without --yes previews with the policy pack and leaves the config as it was", async () => {
        const stack = new FakeStack();
        const before = structuredClone(stack.config);
        const { output } = await rollback(stack);
        assert.deepStrictEqual(
            stack.calls.filter((c) => !c.startsWith("history")),
            ["preview(policies)"],
        );
        assert.deepStrictEqual(stack.config, before);
        assert.match(output, /Nothing was changed\. Re-run with --yes/);
    });

    it("with --yes restores update 13's config, secrets included, and runs up", async () => {
        const stack = new FakeStack();
        const { outcome } = await rollback(stack, { yes: true });
        assert.strictEqual(outcome.applied, true);
        assert.deepStrictEqual(
            stack.calls.filter((c) => !c.startsWith("history")),
            ["preview(policies)", "up(policies)"],
        );
        assert.deepStrictEqual(stack.config, stack.records.find((r) => r.version === 13)!.config);
        assert.strictEqual(stack.config["aws:secretKey"].value, "SECRET-OLD-4Kp");
    });

    it("--to a failed update is refused, naming the succeeded ones", async () => {
        assert.strictEqual(
            await refusal(new FakeStack(), { to: 12 }),
            "update 12 (update, failed, 2026-01-23T06:53:14.000Z) did not succeed; choose a succeeded update (13, 11)",
        );
    });

    it("--to an update that ran from other code names the commit to check out", async () => {
        const message = await refusal(new FakeStack(), { to: 11 });
        assert.strictEqual(
            message,
            "update 11 ran from commit 3f1c9a2e5b7d4c6a8e0f1b2c3d4e5f6a7b8c9d0e, but the working tree is at 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b; run `git checkout 3f1c9a2e5b7d4c6a8e0f1b2c3d4e5f6a7b8c9d0e` first, so the program matches the config",
        );
    });

    it("refuses when the target equals the current state, or is the current update", async () => {
        const stack = new FakeStack();
        stack.records[0] = { ...stack.records[0], result: "succeeded", config: structuredClone(stack.records[2].config) };
        stack.config = structuredClone(stack.records[2].config);
        assert.match(await refusal(stack), /the config of update 13 equals the current config; rolling back would change nothing/);
        assert.match(await refusal(stack, { to: 15 }), /update 15 is the current state/);
    });

    it("refuses while an update is in progress or operations are pending", async () => {
        const running = new FakeStack();
        (running.records[0] as { result: UpdateRecord["result"] }).result = "in-progress";
        assert.match(await refusal(running), /update 15 .* has not finished; wait for it/);
        const pending = new FakeStack();
        pending.pending = 2;
        assert.match(await refusal(pending), /has 2 pending operation\(s\) from an interrupted update/);
    });

    it("refuses, restoring the config, when the preview would delete or replace a protected resource", async () => {
        const stack = new FakeStack();
        const before = structuredClone(stack.config);
        stack.previewResult = {
            ...stack.previewResult,
            steps: [{ op: "replace", urn: "urn:pulumi:prod::egress-remediation::aws:apprunner/vpcConnector:VpcConnector::egress-connector", protect: true }],
        };
        assert.match(await refusal(stack, { yes: true }), /would delete or replace protected resources: .*egress-connector/);
        assert.deepStrictEqual(stack.config, before);
        assert.ok(!stack.calls.some((c) => c.startsWith("up")));
    });

    it("refuses on mandatory policy violations in the preview", async () => {
        const stack = new FakeStack();
        stack.previewResult = { ...stack.previewResult, policyViolations: ["apprunner-vpc-egress-has-nat: connector subnets have no NAT route"] };
        assert.match(await refusal(stack, { yes: true }), /violates mandatory policies: apprunner-vpc-egress-has-nat/);
    });

    it("restores the config when another update holds the stack", async () => {
        const stack = new FakeStack();
        const before = structuredClone(stack.config);
        stack.upError = Object.assign(new Error("[409] Conflict: Another update is currently in progress."), {});
        assert.match(await refusal(stack, { yes: true }), /another update of prod is running/);
        assert.deepStrictEqual(stack.config, before);
    });

    it("writes config back in the `pulumi config --json` shape, structured values as objectValue, secrets flagged", () => {
        const json = JSON.parse(
            configJson({
                "aws:region": { value: "us-east-1" },
                "egress-remediation:ecs": { value: '{"enabled":true}' },
                "aws:secretKey": { value: "s3cr3t", secret: true },
            }),
        );
        assert.deepStrictEqual(json, {
            "aws:region": { value: "us-east-1", secret: false },
            "egress-remediation:ecs": { value: '{"enabled":true}', secret: false, objectValue: { enabled: true } },
            "aws:secretKey": { value: "s3cr3t", secret: true },
        });
    });

    it("diffConfig reports added, removed and changed keys", () => {
        assert.deepStrictEqual(diffConfig({ a: { value: "1" }, b: { value: "x", secret: true } }, { a: { value: "2" }, c: { value: "3" } }), [
            { key: "a", change: "changed", from: "1", to: "2" },
            { key: "b", change: "removed", from: "[secret]" },
            { key: "c", change: "added", to: "3" },
        ]);
    });

    it("warns when the target ran from a dirty tree or records no commit", () => {
        const history = new FakeStack().records.map((r) => (r.version === 13 ? { ...r, environment: { "git.dirty": "true" } } : r));
        const plan = planRollback(history, history[0].config, {});
        assert.deepStrictEqual(plan.warnings, [
            "update 13 records no git commit; make sure the program is the one it ran",
            "update 13 ran from a working tree with uncommitted changes",
        ]);
    });
});

describe("npm run rollback (the command)", () => {
    // No Pulumi CLI on this PATH, whatever the machine has installed.
    const env = { PATH: path.dirname(process.execPath), HOME: process.env.HOME ?? "/tmp" };
    const runs: Record<string, ToolResult> = {};
    before(async () => {
        const [noCli, noStack, badTo] = await Promise.all([
            runTool("tools/rollback", ["--stack", "prod"], { env }),
            runTool("tools/rollback", [], { env }),
            runTool("tools/rollback", ["--stack", "prod", "--to", "0"], { env }),
        ]);
        Object.assign(runs, { noCli, noStack, badTo });
    });

    it("says, in one line with exit 2, that it needs the Pulumi CLI when none is on PATH", () => {
        assert.strictEqual(runs.noCli.status, 2);
        assert.strictEqual(runs.noCli.stdout, "");
        assert.match(runs.noCli.stderr.trim(), /^rollback needs the Pulumi CLI on PATH .*retry$/);
    });

    it("refuses bad usage in one line with exit 2", () => {
        assert.strictEqual(runs.noStack.status, 2);
        assert.strictEqual(runs.noStack.stderr.trim(), "--stack is required. usage: npm run rollback -- --stack <name> [--to <update version>] [--yes]");
        assert.strictEqual(runs.badTo.stderr.trim(), '--to must be an update version (a whole number ≥ 1); got "0"');
    });
});
