import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { Interrupts } from "../tools/rollback/interrupts";
import { diffConfig, numberVersions, planRollback, RollbackRefused } from "../tools/rollback/planRollback";
import { destructiveSteps } from "../tools/rollback/previewChecks";
import { WriteMode } from "../tools/rollback/repository";
import { RollbackFailed, runRollback } from "../tools/rollback/runRollback";
import { UpdateRecord } from "../tools/rollback/stackOperations";
import { deployment, encrypt, FakeStack, stackFileConfigOf, updateRecord } from "./fakeStack";
import recorded from "./fixtures/stack-history.json";
import { RollbackRepo, stackFile } from "./rollbackRepo";

const GOOD_FILE = stackFile("app:v19");
const BAD_FILE = stackFile("app:v20");

interface Scenario {
    repo: RollbackRepo;
    good: string;
    bad: string;
    stack: FakeStack;
}

/** Each scenario's repository as first built; later scenarios start from a copy (same commits, no git runs). */
const builtRepos = new Map<string, { repo: RollbackRepo; good: string; bad: string }>();
after(() => builtRepos.forEach(({ repo }) => repo.remove()));

/** Update 2 ran from commit `good`; update 3, from the newer commit `bad`, failed: the usual CI case. */
function scenario(badFiles: Record<string, string> = { "index.ts": "// program v2\n", "Pulumi.prod.yaml": BAD_FILE }): Scenario {
    const key = JSON.stringify(badFiles);
    let built = builtRepos.get(key);
    if (!built) {
        const original = new RollbackRepo();
        const good = original.commit("good", { "index.ts": "// program v1\n", "Pulumi.prod.yaml": GOOD_FILE });
        built = { repo: original, good, bad: original.commit("bad", badFiles) };
        builtRepos.set(key, built);
    }
    const { good, bad } = built;
    const repo = new RollbackRepo(built.repo);
    const stack = new FakeStack([
        updateRecord(3, { commit: bad, result: "failed", config: stackFileConfigOf(badFiles["Pulumi.prod.yaml"] ?? GOOD_FILE) }),
        updateRecord(2, { commit: good, config: stackFileConfigOf(GOOD_FILE) }),
        updateRecord(1, { kind: "refresh", commit: good, config: stackFileConfigOf(GOOD_FILE) }),
    ]);
    return { repo, good, bad, stack };
}

async function rollback(s: Scenario, options: { to?: number; yes?: boolean; write?: WriteMode } = {}) {
    const lines: string[] = [];
    const installs: string[] = [];
    const outcome = await runRollback(
        {
            stack: "prod",
            to: options.to,
            yes: options.yes ?? false,
            write: options.write,
            projectDir: s.repo.dir,
            policyPack: "/pack",
            print: (l) => lines.push(l),
        },
        { open: s.stack.open, install: async (dir) => void installs.push(dir), interrupts: new Interrupts(() => undefined) },
    );
    return { outcome, output: lines.join("\n"), installs };
}

async function refusal(s: Scenario, options: { to?: number; yes?: boolean } = {}): Promise<string> {
    try {
        await rollback(s, options);
    } catch (error) {
        assert.ok(error instanceof RollbackRefused, `expected a refusal, got ${(error as Error).stack}`);
        return error.message;
    }
    return assert.fail("the rollback was not refused");
}

/** The user's checkout exactly as it was, and no worktree or temporary folder left behind. */
function assertUntouched(s: Scenario, files = { "index.ts": "// program v2\n", "Pulumi.prod.yaml": BAD_FILE }): void {
    assert.strictEqual(s.repo.git("rev-parse", "HEAD"), s.bad);
    assert.strictEqual(s.repo.git("status", "--porcelain"), "");
    for (const [name, text] of Object.entries(files)) assert.strictEqual(s.repo.read(name), text);
    assert.strictEqual(s.repo.worktrees().length, 1);
    assert.strictEqual(s.repo.read("node_modules/marker"), "installed\n", "the worktree's link to node_modules took the checkout's with it");
    if (s.stack.workDir) assert.ok(!fs.existsSync(path.dirname(s.stack.workDir)), "temporary folder left behind");
}

describe("rollback to the last good update", () => {
    let s: Scenario;
    beforeEach(() => (s = scenario()));
    afterEach(() => s.repo.remove());

    it("previews the program of the target's commit with its config in a temporary worktree, and changes nothing without --yes", async () => {
        const { outcome, output } = await rollback(s);
        assert.deepStrictEqual(outcome, { applied: false, targetVersion: 2, advice: "revert" });
        assert.deepStrictEqual(
            s.stack.seen.map((x) => [x.op, x.program, x.stackFile]),
            [["preview", "// program v1\n", GOOD_FILE]],
        );
        assert.notStrictEqual(path.dirname(s.stack.workDir), s.repo.dir);
        assert.ok(!s.stack.calls.some((c) => c.startsWith("up")));
        assert.match(output, new RegExp(`from update 3 \\(update, failed, .*\\) to update 2 \\(succeeded\\), running commit ${s.good}`));
        assert.match(output, /Code: 2 file\(s\) differ between commit .* Pulumi.prod.yaml, index.ts/);
        // The changed path alone, not the whole part's JSON on each side.
        assert.match(output, /^ {2}~ egress-remediation:appRunner\.service\.image: "app:v20" → "app:v19"$/m);
        assert.ok(!output.split("\n").some((line) => line.includes('"service"')), output);
        assert.match(output, /Nothing was changed\. Re-run with --yes/);
        assertUntouched(s);
    });

    it("with --yes holds up to the preview's plan and names the rollback in the update message", async () => {
        const { outcome, output } = await rollback(s, { yes: true });
        assert.strictEqual(outcome.applied, true);
        const [preview, up] = s.stack.seen;
        assert.strictEqual(up.op, "up");
        assert.strictEqual(up.program, "// program v1\n");
        assert.strictEqual(up.planFile, preview.planFile);
        assert.strictEqual(up.message, `Rollback of prod to update 2 (commit ${s.good.slice(0, 12)})`);
        assert.match(output, /Rolled back to update 2: update 1, same 31/);
        assertUntouched(s);
    });

    it("reads the history again right before up and refuses when the stack moved after the preview", async () => {
        s.stack.afterPreview = () => s.stack.records.unshift(updateRecord(4, { commit: s.bad, config: {} }));
        assert.match(await refusal(s, { yes: true }), /the stack changed since the preview \(update succeeded at .*\); nothing was applied/);
        assert.ok(!s.stack.calls.some((c) => c.startsWith("up")));
        const moved = scenario();
        moved.stack.afterPreview = () => (moved.stack.state = deployment([{ urn: "urn:x", type: "t" }]));
        assert.match(await refusal(moved, { yes: true }), /its checkpoint changed/);
        moved.repo.remove();
    });

    it("restores the recorded config in the worktree when the commit's stack file differs, secrets through setSecret only", async () => {
        const target = s.stack.records[1] as { config: UpdateRecord["config"] };
        target.config = { ...stackFileConfigOf(stackFile("app:v18")), "aws:secretKey": { value: "S3CR3T-4Kp", secret: true } };
        const { output } = await rollback(s);
        const seen = s.stack.seen[0].stackFile;
        assert.match(seen, /image: app:v18/);
        assert.match(seen, new RegExp(`aws:secretKey:\\s+secure: ${encrypt("S3CR3T-4Kp")}`));
        assert.deepStrictEqual(
            s.stack.calls.filter((c) => c.startsWith("setSecret")),
            ["setSecret(aws:secretKey)"],
        );
        assert.match(output, /did not hold update 2's config; restored in the worktree: aws:secretKey, egress-remediation:appRunner/);
        assert.match(output, /\+ aws:secretKey: \[secret\]/);
        assert.doesNotMatch(output, /S3CR3T/);
        assertUntouched(s);
    });

    it("does not run up when the preview changes nothing, but does when the summary is unreadable", async () => {
        s.stack.previewResult = { ...s.stack.previewResult, changeSummary: { same: 32 } };
        const { outcome, output } = await rollback(s, { yes: true });
        assert.strictEqual(outcome.applied, false);
        assert.match(output, /The stack already matches update 2; there is nothing to apply\./);
        assert.ok(!s.stack.calls.some((c) => c.startsWith("up")));
        s.stack.previewResult = { ...s.stack.previewResult, changeSummary: {} };
        assert.strictEqual((await rollback(s, { yes: true })).outcome.applied, true);
    });

    it("refuses a secret the current secrets provider cannot decrypt", async () => {
        (s.stack.records[1] as { config: UpdateRecord["config"] }).config = { "aws:secretKey": { value: "ERROR_UNABLE_TO_DECRYPT", secret: true } };
        assert.match(await refusal(s), /secret config aws:secretKey cannot be decrypted with the stack's current secrets provider/);
        assertUntouched(s);
    });

    it("links the checkout's node_modules when the lock files match, and installs the commit's own when they differ", async () => {
        await rollback(s);
        assert.strictEqual(s.stack.seen[0].nodeModules, "link");
        assert.strictEqual(s.stack.seen[0].status, "", "the worktree must look clean to Pulumi's git.dirty");
        const other = scenario({ "index.ts": "// v2\n", "Pulumi.prod.yaml": BAD_FILE, "package-lock.json": '{ "changed": true }\n' });
        const { installs, output } = await rollback(other);
        assert.strictEqual(installs.length, 1);
        assert.match(output, /Installed commit .*'s own dependencies/);
        other.repo.remove();
    });
});

describe("rollback refusals (the checkout and config stay as they were)", () => {
    let s: Scenario;
    beforeEach(() => (s = scenario()));
    afterEach(() => s.repo.remove());

    it("a dirty checkout", async () => {
        s.repo.write({ "index.ts": "// edited\n" });
        assert.match(await refusal(s), /your checkout has uncommitted changes \(index.ts\); commit or stash them/);
        assert.strictEqual(s.repo.worktrees().length, 1);
        assert.strictEqual(s.stack.calls.length, 0);
    });

    it("a folder outside git", async () => {
        const outside = fs.mkdtempSync(path.join(path.dirname(s.repo.dir), "not-git-"));
        try {
            await assert.rejects(
                runRollback(
                    { stack: "prod", yes: false, projectDir: outside, policyPack: "/pack", print: () => undefined },
                    { open: s.stack.open, install: async () => undefined, interrupts: new Interrupts() },
                ),
                /is not in a git checkout; rollback runs the target update's commit from git/,
            );
        } finally {
            fs.rmSync(outside, { recursive: true });
        }
    });

    it("a commit this clone does not have", async () => {
        (s.stack.records[1] as { environment: Record<string, string> }).environment = {
            "git.head": "0123456789abcdef0123456789abcdef01234567",
            "git.dirty": "false",
        };
        assert.match(await refusal(s), /commit 0123456789abcdef0123456789abcdef01234567 of update 2 is not in this clone; run git fetch/);
        assertUntouched(s);
    });

    it("a target with no commit, or one that ran from uncommitted changes", async () => {
        (s.stack.records[1] as { environment: Record<string, string> }).environment = {};
        assert.match(await refusal(s), /update 2 records no git commit, so the program it ran cannot be recovered/);
        (s.stack.records[1] as { environment: Record<string, string> }).environment = { "git.head": s.good, "git.dirty": "true" };
        assert.match(await refusal(s), /update 2 ran from commit .* with uncommitted changes, so that commit is not the program it ran/);
        assertUntouched(s);
    });

    it("a target that did not succeed, is not an update, or is the current one", async () => {
        (s.stack.records[1] as { result: string }).result = "failed";
        assert.match(await refusal(s), /no succeeded update before update 3/);
        assert.match(await refusal(s, { to: 2 }), /update 2 \(update, failed, .*\) is not a succeeded update; choose one of: none/);
        assert.match(await refusal(s, { to: 1 }), /update 1 \(refresh, succeeded, .*\) is not a succeeded update/);
        // The current update 3 failed: it is no state to return to, whatever it left.
        assert.match(await refusal(s, { to: 3 }), /update 3 \(update, failed, .*\) is not a succeeded update; choose one of: none/);
        assert.match(await refusal(s, { to: 9 }), /update 9 is not in the stack's history; updates: 3, 2/);
        (s.stack.records[0] as { result: string }).result = "succeeded";
        assert.match(await refusal(s, { to: 3 }), /update 3 is the current state; choose an earlier one/);
        assertUntouched(s);
    });

    it("an update in progress or not started, or pending operations", async () => {
        for (const result of ["in-progress", "not-started"]) {
            (s.stack.records[0] as { result: string }).result = result;
            assert.match(await refusal(s), new RegExp(`update 3 \\(update, ${result}, .*\\) has not finished; wait for it`), result);
        }
        assertUntouched(s);
        (s.stack.records[0] as { result: string }).result = "failed";
        const pending = scenario();
        pending.stack.pending = 1;
        assert.match(await refusal(pending), /stack prod has 1 pending operation\(s\) from an interrupted update; resolve them first/);
        assert.ok(!pending.stack.calls.some((c) => c.startsWith("preview") || c.startsWith("up")), pending.stack.calls.join(", "));
        assertUntouched(pending);
        pending.repo.remove();
    });

    it("mandatory policy violations in the preview", async () => {
        s.stack.previewResult = { ...s.stack.previewResult, policyViolations: ["apprunner-vpc-egress-has-nat: connector subnets have no NAT route"] };
        assert.match(await refusal(s, { yes: true }), /violate mandatory policies: apprunner-vpc-egress-has-nat/);
        assert.ok(!s.stack.calls.some((c) => c.startsWith("up")));
        assertUntouched(s);
    });

    it("a preview that deletes or replaces anything protected or stateful", async () => {
        s.stack.previewResult = {
            ...s.stack.previewResult,
            steps: [
                {
                    op: "replace",
                    urn: "urn:pulumi:prod::p::aws:apprunner/vpcConnector:VpcConnector::egress-connector",
                    type: "aws:apprunner/vpcConnector:VpcConnector",
                    protect: true,
                },
                { op: "delete", urn: "urn:pulumi:prod::p::aws:rds/instance:Instance::db", type: "aws:rds/instance:Instance", protect: false },
                { op: "update", urn: "urn:pulumi:prod::p::aws:ec2/eip:Eip::nat-eip", type: "aws:ec2/eip:Eip", protect: false },
            ],
        };
        const message = await refusal(s, { yes: true });
        assert.match(message, /would delete or replace: .*egress-connector \(protected, replace\), .*::db \(stateful, delete\)$/);
        assert.doesNotMatch(message, /nat-eip/);
        assert.ok(!s.stack.calls.some((c) => c.startsWith("up")));
        assertUntouched(s);
    });

    it("another update holding the stack, recognised by ConcurrentUpdateError alone", async () => {
        s.stack.upError = Object.create(ConcurrentUpdateError.prototype, { message: { value: "code: 255" } });
        assert.match(await refusal(s, { yes: true }), /another update of prod is running/);
        assertUntouched(s);

        const lookalike = scenario();
        lookalike.stack.upError = Object.assign(new Error("boom"), {
            commandResult: { stderr: "error: resource conflict: Another update is currently in progress." },
        });
        await assert.rejects(
            rollback(lookalike, { yes: true }),
            (e: Error) =>
                e instanceof RollbackFailed &&
                /^pulumi up failed while rolling back to update 2: error: resource conflict: .*; to finish, run: npm run rollback -- --stack prod --to 2 --yes$/.test(
                    e.message,
                ),
        );
        assertUntouched(lookalike);
        lookalike.repo.remove();
    });
});

describe("rollback keeps the repository honest", () => {
    it("a config-only change: says to commit the restored stack file, and --write stack-file writes it", async () => {
        const s = scenario({ "Pulumi.prod.yaml": BAD_FILE });
        try {
            const { output } = await rollback(s);
            assert.match(output, /HEAD differs from update 2 only in Pulumi.prod.yaml/);
            assert.match(output, /git add Pulumi.prod.yaml && git commit -m "Roll back prod to update 2"/);
            assert.strictEqual(s.repo.read("Pulumi.prod.yaml"), BAD_FILE);

            const { outcome } = await rollback(s, { yes: true, write: "stack-file" });
            assert.strictEqual(outcome.wrote, path.join(s.repo.dir, "Pulumi.prod.yaml"));
            assert.strictEqual(s.repo.read("Pulumi.prod.yaml"), GOOD_FILE);
            assert.strictEqual(s.repo.git("status", "--porcelain"), "M Pulumi.prod.yaml");
            assert.strictEqual(s.repo.worktrees().length, 1);
        } finally {
            s.repo.remove();
        }
    });

    it("a code change: --write revert puts a revert of the bad commit on a new branch, leaving the checkout alone", async () => {
        const s = scenario();
        try {
            const { outcome, output } = await rollback(s, { yes: true, write: "revert" });
            assert.match(output, /HEAD differs from commit .* \(update 2\) in: Pulumi.prod.yaml, index.ts/);
            assert.strictEqual(outcome.wrote, "rollback/prod-update-2");
            assert.strictEqual(s.repo.git("rev-parse", "rollback/prod-update-2^"), s.bad);
            assert.strictEqual(s.repo.git("diff", s.good, "rollback/prod-update-2"), "");
            assert.match(s.repo.git("log", "-1", "--format=%s", "rollback/prod-update-2"), /^Revert "bad"$/);
            assertUntouched(s);
            await assert.rejects(rollback(s, { yes: true, write: "revert" }), /branch rollback\/prod-update-2 already exists/);
        } finally {
            s.repo.remove();
        }
    });

    it("--write revert that conflicts with a later commit leaves no branch and the checkout as it was", async () => {
        const s = scenario();
        try {
            const later = s.repo.commit("later", { "index.ts": "// program v3, built on v2\n" });
            await assert.rejects(rollback(s, { yes: true, write: "revert" }), /git revert of .* does not apply cleanly on HEAD .*; revert by hand/);
            assert.strictEqual(s.repo.git("branch", "--list", "rollback/*"), "");
            assert.strictEqual(s.repo.git("rev-parse", "HEAD"), later);
            assert.strictEqual(s.repo.git("status", "--porcelain"), "");
            assert.strictEqual(s.repo.worktrees().length, 1);
        } finally {
            s.repo.remove();
        }
    });

    it("--write stack-file refuses when code differs too", async () => {
        const s = scenario();
        try {
            await assert.rejects(
                rollback(s, { yes: true, write: "stack-file" }),
                /the rollback is applied, but nothing was written: HEAD also differs in index.ts, .*use --write revert/,
            );
            assertUntouched(s);
        } finally {
            s.repo.remove();
        }
    });
});

describe("rollback planning (recorded history)", () => {
    const history = recorded as UpdateRecord[];

    it("picks the newest succeeded update before the current one, skipping refreshes and failures", () => {
        const plan = planRollback(history, {});
        assert.strictEqual(plan.target.version, 13);
        assert.strictEqual(plan.targetCommit, "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b");
        assert.strictEqual(planRollback(history, { to: 11 }).targetCommit, "3f1c9a2e5b7d4c6a8e0f1b2c3d4e5f6a7b8c9d0e");
    });

    it("prints config differences with secrets masked", () => {
        const changes = diffConfig(history[0].config, history[2].config);
        assert.deepStrictEqual(
            changes.map((c) => [c.key, c.from?.slice(0, 8), c.to?.slice(0, 8)]),
            [
                ["aws:secretKey", "[secret]", "[secret]"],
                ["egress-remediation:appRunner", '{"enable', '{"enable'],
            ],
        );
        assert.doesNotMatch(JSON.stringify(changes), /SECRET-NEW|SECRET-OLD/);
    });

    it("treats two JSON spellings of one object as the same value", () => {
        assert.deepStrictEqual(diffConfig({ a: { value: '{"x":1,"y":[1,2]}' } }, { a: { value: '{ "y": [1, 2], "x": 1 }' } }), []);
        assert.strictEqual(diffConfig({ a: { value: '{"x":1}' } }, { a: { value: '{"x":2}' } }).length, 1);
        assert.strictEqual(diffConfig({ a: { value: "1" } }, { a: { value: "1", secret: true } }).length, 1);
    });

    it("numbers a file backend's history (all version 0) from the oldest", () => {
        const diy = [updateRecord(0, { result: "failed" }), updateRecord(0, { kind: "refresh" }), updateRecord(0, {})];
        assert.deepStrictEqual(
            numberVersions(diy).map((r) => r.version),
            [3, 2, 1],
        );
        assert.deepStrictEqual(
            numberVersions(history).map((r) => r.version),
            [15, 14, 13, 12, 11],
        );
    });

    it("flags deletes and replaces of protected or stateful resources only", () => {
        const step = (op: string, type: string, protect = false) => ({ op, urn: `urn:${op}:${type}`, type, protect });
        assert.deepStrictEqual(
            destructiveSteps([
                step("delete-replaced", "aws:elasticache/replicationGroup:ReplicationGroup"),
                step("create-replacement", "aws:apprunner/service:Service", true),
                step("delete", "aws:ec2/route:Route"),
                step("update", "aws:rds/instance:Instance", true),
                step("delete", "aws:ec2/natGateway:NatGateway", true),
                step("same", "aws:ec2/eip:Eip", true),
                step("delete", "aws:ec2/eip:Eip"),
                step("delete", "aws:ec2/eip:Eip"),
            ]),
            [
                "urn:delete-replaced:aws:elasticache/replicationGroup:ReplicationGroup (stateful, delete-replaced)",
                "urn:create-replacement:aws:apprunner/service:Service (protected, create-replacement)",
                "urn:delete:aws:ec2/natGateway:NatGateway (protected, delete)",
                "urn:delete:aws:ec2/eip:Eip (stateful, delete)",
            ],
        );
    });
});
