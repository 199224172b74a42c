import * as assert from "assert";
import * as path from "path";
import { rollbackCommand } from "../tools/rollback/command";
import { Interrupted, Interrupts } from "../tools/rollback/interrupts";
import { RollbackRefused } from "../tools/rollback/planRollback";
import { WriteMode } from "../tools/rollback/repository";
import { RollbackFailed, runRollback } from "../tools/rollback/runRollback";
import { UpdateRecord } from "../tools/rollback/stackOperations";
import { FakeStack, stackFileConfigOf, updateRecord } from "./fakeStack";
import { RollbackRepo, stackFile } from "./rollbackRepo";

/**
 * runRollback's report and its failure paths. One git repository serves every test (built once:
 * a rollback only adds and removes its own temporary worktree); each test has its own fake stack.
 */
const GOOD_FILE = stackFile("app:v19");
const BAD_FILE = stackFile("app:v20");

describe("rollback report and failures (one shared repository)", () => {
    let repo: RollbackRepo;
    let base: string;
    let good: string;
    let bad: string;

    before(() => {
        repo = new RollbackRepo();
        base = repo.commit("base", { "index.ts": "// program v0\n", "Pulumi.prod.yaml": GOOD_FILE });
        good = repo.commit("good", {
            "index.ts": "// program v1\n",
            "Pulumi.prod.yaml": GOOD_FILE,
            a: "a\n",
            b: "b\n",
            c: "c\n",
            d: "d\n",
            e: "e\n",
            f: "f\n",
        });
        bad = repo.commit("bad", { "index.ts": "// program v2\n", "Pulumi.prod.yaml": BAD_FILE });
    });
    after(() => repo.remove());
    afterEach(() => {
        repo.git("checkout", "--quiet", "--", ".");
        assert.strictEqual(repo.worktrees().length, 1, "a worktree was left behind");
    });

    /** Update 3 (failed) ran from `bad`, update 2 (succeeded) from `good`. */
    function stack(config: { current?: UpdateRecord["config"]; target?: UpdateRecord["config"] } = {}): FakeStack {
        return new FakeStack([
            updateRecord(3, { commit: bad, result: "failed", config: config.current ?? stackFileConfigOf(BAD_FILE) }),
            updateRecord(2, { commit: good, config: config.target ?? stackFileConfigOf(GOOD_FILE) }),
        ]);
    }

    async function rollback(s: FakeStack, options: { yes?: boolean; write?: WriteMode; interrupts?: Interrupts } = {}) {
        const lines: string[] = [];
        const outcome = await runRollback(
            { stack: "prod", yes: options.yes ?? false, write: options.write, projectDir: repo.dir, policyPack: "/pack", print: (l) => lines.push(l) },
            { open: s.open, install: async () => undefined, interrupts: options.interrupts ?? new Interrupts(() => undefined) },
        );
        return { outcome, lines };
    }

    async function rejection(promise: Promise<unknown>): Promise<Error> {
        return promise.then(
            () => assert.fail("not rejected"),
            (error: Error) => error,
        );
    }

    it("names at most five uncommitted files, and says there are more", async () => {
        repo.write({ a: "x\n", b: "x\n", c: "x\n", d: "x\n", e: "x\n", f: "x\n" });
        const error = await rejection(rollback(stack()));
        assert.ok(error instanceof RollbackRefused);
        assert.match(error.message, /^your checkout has uncommitted changes \(a, b, c, d, e, …\); commit or stash them/);
        repo.git("checkout", "--quiet", "--", ".");
        repo.write({ a: "x\n", b: "x\n", c: "x\n", d: "x\n", e: "x\n" });
        assert.match((await rejection(rollback(stack()))).message, /^your checkout has uncommitted changes \(a, b, c, d, e\); commit/);
    });

    it("reports the code and each kind of config change, then the preview's counts", async () => {
        const current = { "aws:region": { value: "us-east-1" }, "app:removed": { value: "r" }, "app:changed": { value: "new" } };
        const target = { "aws:region": { value: "us-east-1" }, "app:changed": { value: "old" }, "app:added": { value: "a" } };
        const s = stack({ current, target });
        s.previewResult = { steps: [], changeSummary: { update: 2, same: 30 }, policyViolations: [] };
        const { lines } = await rollback(s);
        const at = lines.indexOf("Config changes:");
        assert.ok(at > 0, lines.join("\n"));
        assert.deepStrictEqual(lines.slice(at, at + 4), ["Config changes:", "  + app:added: a", "  ~ app:changed: new → old", "  - app:removed (was r)"]);
        assert.strictEqual(lines[at - 1], `Code: 2 file(s) differ between commit ${bad.slice(0, 12)} and ${good.slice(0, 12)}: Pulumi.prod.yaml, index.ts`);
        assert.ok(lines.includes("Preview: update 2, same 30"), lines.join("\n"));
    });

    it("says when the config is the current update's, and when the preview has no steps; no code line for the same commit", async () => {
        const config = stackFileConfigOf(GOOD_FILE);
        const s = new FakeStack([updateRecord(3, { commit: good, result: "failed", config }), updateRecord(2, { commit: good, config })]);
        s.previewResult = { steps: [], changeSummary: {}, policyViolations: [] };
        const { lines } = await rollback(s);
        assert.ok(lines.includes("Config: same as the current update's."), lines.join("\n"));
        assert.ok(lines.includes("Preview: no steps"), lines.join("\n"));
        assert.ok(!lines.some((l) => l.startsWith("Code:")), lines.join("\n"));
        assert.ok(!lines.some((l) => /did not hold/.test(l)), lines.join("\n"));
    });

    it("no code line when the current update's commit is not in this clone", async () => {
        const s = stack();
        (s.records[0] as { environment: Record<string, string> }).environment = {
            "git.head": "0123456789abcdef0123456789abcdef01234567",
            "git.dirty": "false",
        };
        const { lines } = await rollback(s);
        assert.ok(!lines.some((l) => l.startsWith("Code:")), lines.join("\n"));
        assert.match(lines[0], /^Rolling back from update 3 \(update, failed, .*\) to update 2 \(succeeded\), running commit /);
    });

    it("refuses when the target update leaves history between the two reads", async () => {
        const s = stack();
        const history = s.history.bind(s);
        s.history = async (showSecrets) => {
            const records = await history(showSecrets);
            return showSecrets ? records.filter((r) => r.version !== 2) : records;
        };
        const error = await rejection(rollback(s));
        assert.ok(error instanceof RollbackRefused);
        assert.strictEqual(error.message, "update 2 left the stack's history while reading it; run the rollback again");
    });

    it("matches the second read by kind and start time, not by position", async () => {
        const s = stack({ target: stackFileConfigOf(stackFile("app:v18")) });
        const history = s.history.bind(s);
        s.history = async (showSecrets) => {
            const records = await history(showSecrets);
            // A file backend may list an extra preview between reads; the same update is still found.
            return showSecrets ? [{ ...records[1], kind: "preview", config: {} }, ...records] : records;
        };
        await rollback(s);
        assert.match(s.seen[0].stackFile, /image: app:v18/);
    });

    it("refuses when the history grows or shrinks after the preview, naming what it saw", async () => {
        const grown = stack();
        grown.afterPreview = () => grown.records.push(updateRecord(1, { commit: good }));
        assert.match(
            (await rejection(rollback(grown, { yes: true }))).message,
            /^the stack changed since the preview \(update failed at 2026-01-23T06:03:00\.000Z\); nothing was applied/,
        );
        const emptied = stack();
        emptied.afterPreview = () => emptied.records.splice(0);
        assert.match((await rejection(rollback(emptied, { yes: true }))).message, /^the stack changed since the preview \(its history changed\)/);
        const replaced = stack();
        replaced.afterPreview = () => (replaced.records[0] = { ...replaced.records[0], result: "succeeded" });
        assert.match((await rejection(rollback(replaced, { yes: true }))).message, /^the stack changed since the preview \(update succeeded at/);
        for (const s of [grown, emptied, replaced]) assert.ok(!s.calls.some((c) => c.startsWith("up")));
    });

    it("a failed preview names the CLI's error; an interrupted one stops as interrupted", async () => {
        const s = stack();
        s.previewError = Object.assign(new Error("preview failed"), { commandResult: { stderr: "error: program failed to compile\n" } });
        const failed = await rejection(rollback(s));
        assert.ok(failed instanceof RollbackFailed);
        assert.strictEqual(failed.message, "pulumi preview failed: error: program failed to compile");

        const interrupts = new Interrupts(() => undefined).install();
        try {
            const blocked = stack();
            blocked.previewError = new Error("cancelled");
            const preview = blocked.preview.bind(blocked);
            blocked.preview = async (options) => {
                process.emit("SIGTERM", "SIGTERM");
                return preview(options);
            };
            const error = await rejection(rollback(blocked, { interrupts }));
            assert.ok(error instanceof Interrupted, error.stack);
        } finally {
            interrupts.uninstall();
        }
    });

    it("an up stopped by a signal says so without the CLI's own cancel line, and names the command that finishes the job", async () => {
        const interrupts = new Interrupts(() => undefined).install();
        try {
            const s = stack();
            s.upError = Object.assign(new Error("up failed"), { commandResult: { stderr: "error: update canceled\n" } });
            const up = s.up.bind(s);
            s.up = async (options) => {
                process.emit("SIGTERM", "SIGTERM");
                return up(options);
            };
            const error = await rejection(rollback(s, { yes: true, interrupts }));
            assert.ok(error instanceof RollbackFailed, error.stack);
            assert.strictEqual(
                error.message,
                "pulumi up was interrupted by SIGTERM while rolling back to update 2. The stack may be partly rolled back and your checkout is unchanged; to finish, run: npm run rollback -- --stack prod --to 2 --yes",
            );
        } finally {
            interrupts.uninstall();
        }
    });

    it("without --yes, --write writes nothing; with it, it reports what it wrote", async () => {
        const s = stack();
        const { outcome, lines } = await rollback(s, { write: "revert" });
        assert.deepStrictEqual(outcome, { applied: false, targetVersion: 2, advice: "revert" });
        assert.strictEqual(repo.git("branch", "--list", "rollback/*"), "");
        assert.ok(lines.includes("Nothing was changed. Re-run with --yes to apply this rollback."));
        const applied = await rollback(stack(), { yes: true, write: "revert" });
        try {
            assert.strictEqual(applied.outcome.wrote, "rollback/prod-update-2");
            assert.strictEqual(
                applied.lines.at(-1),
                "Made branch rollback/prod-update-2: git push origin rollback/prod-update-2, then merge it through review.",
            );
        } finally {
            repo.git("branch", "-D", "rollback/prod-update-2");
        }
    });

    it("writes nothing when HEAD already holds what the target ran", async () => {
        const s = new FakeStack([
            updateRecord(4, { commit: bad, result: "failed", config: stackFileConfigOf(BAD_FILE) }),
            updateRecord(3, { commit: bad, config: stackFileConfigOf(BAD_FILE) }),
        ]);
        const { outcome, lines } = await rollback(s, { yes: true, write: "revert" });
        assert.deepStrictEqual(outcome, { applied: true, targetVersion: 3, advice: "none", wrote: undefined });
        assert.ok(lines.includes(`The repository at HEAD (${bad.slice(0, 12)}) already holds what update 3 ran: nothing to commit.`), lines.join("\n"));
        assert.ok(!lines.some((l) => /^(Wrote|Made branch)/.test(l)));
    });

    it("previews and applies with the checkout's policy pack and a plan file beside the worktree, reading secrets only once", async () => {
        const s = stack();
        await rollback(s, { yes: true });
        assert.deepStrictEqual(
            s.calls.filter((c) => /^(preview|up|history)/.test(c)),
            ["history(false)", "history(true)", "history(false)", "preview(/pack)", "history(false)", "up(/pack)"],
        );
        const [preview, up] = s.seen;
        assert.strictEqual(path.basename(preview.planFile), "rollback-plan.json");
        assert.strictEqual(path.dirname(preview.planFile), path.dirname(s.workDir));
        assert.strictEqual(up.planFile, preview.planFile);
    });

    it("the rollback's own preview in the history is no reason to stop", async () => {
        const s = stack();
        s.afterPreview = () => s.records.unshift({ ...updateRecord(4, { commit: bad }), kind: "preview" });
        assert.strictEqual((await rollback(s, { yes: true })).outcome.applied, true);
    });

    it("lists every mandatory policy violation", async () => {
        const s = stack();
        s.previewResult = { ...s.previewResult, policyViolations: ["rule-a: one", "rule-b: two"] };
        assert.strictEqual((await rejection(rollback(s))).message, "update 2's program and config violate mandatory policies: rule-a: one; rule-b: two");
    });

    it("--write stack-file reports the file it wrote; refuses, naming every code file, when code differs too", async () => {
        // Update 2 ran HEAD's code with older config: only the stack file differs.
        const s = new FakeStack([
            updateRecord(3, { commit: bad, result: "failed", config: stackFileConfigOf(BAD_FILE) }),
            updateRecord(2, { commit: bad, config: stackFileConfigOf(stackFile("app:v18")) }),
        ]);
        const { outcome, lines } = await rollback(s, { yes: true, write: "stack-file" });
        const written = path.join(repo.dir, "Pulumi.prod.yaml");
        assert.strictEqual(outcome.wrote, written);
        assert.strictEqual(lines.at(-1), `Wrote ${written}; commit it as shown above.`);
        assert.match(repo.read("Pulumi.prod.yaml"), /image: app:v18/);
        repo.git("checkout", "--quiet", "--", ".");

        const older = new FakeStack([
            updateRecord(3, { commit: bad, result: "failed", config: stackFileConfigOf(BAD_FILE) }),
            updateRecord(1, { commit: base, config: stackFileConfigOf(GOOD_FILE) }),
        ]);
        assert.strictEqual(
            (await rejection(rollback(older, { yes: true, write: "stack-file" }))).message,
            "the rollback is applied, but nothing was written: HEAD also differs in a, b, c, d, e, f, index.ts, so the stack file alone would not match; use --write revert",
        );
        assert.strictEqual(repo.read("Pulumi.prod.yaml"), BAD_FILE);
    });

    it("the command previews with the checkout's policies folder and exits 0", async () => {
        const s = stack();
        const write = process.stdout.write;
        process.stdout.write = (() => true) as typeof process.stdout.write;
        let code: number;
        try {
            code = await rollbackCommand({ stack: "prod", yes: false }, repo.dir, s.open);
        } finally {
            process.stdout.write = write;
        }
        assert.strictEqual(code, 0);
        assert.ok(s.calls.includes(`preview(${path.join(repo.dir, "policies")})`), s.calls.join(", "));
    });
});
