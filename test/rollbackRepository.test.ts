import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { branchExists, commitExists, git, GitError, topLevel } from "../tools/rollback/git";
import { RollbackPlan, RollbackRefused } from "../tools/rollback/planRollback";
import { adviseRepository, writeRevert, writeStackFile } from "../tools/rollback/repository";
import { TempWorktree } from "../tools/rollback/worktree";
import { updateRecord } from "./fakeStack";
import { RollbackRepo, stackFile } from "./rollbackRepo";

/**
 * What rollback tells and writes about the repository, and its git calls, on one repository built once:
 * base → good → merge of a side branch → bad (HEAD). Each test works in its own temporary worktree.
 */
describe("rollback and the repository (one shared repository)", () => {
    let repo: RollbackRepo;
    const c: Record<"base" | "good" | "side" | "merge" | "bad", string> = { base: "", good: "", side: "", merge: "", bad: "" };
    const worktrees: TempWorktree[] = [];

    before(() => {
        repo = new RollbackRepo();
        c.base = repo.commit("base", { "index.ts": "// v0\n", "Pulumi.prod.yaml": stackFile("app:v18") });
        c.good = repo.commit("good", { "index.ts": "// v1\n", "Pulumi.prod.yaml": stackFile("app:v19") });
        repo.git("checkout", "--quiet", "-b", "side");
        c.side = repo.commit("side", { "extra.ts": "// side\n" });
        repo.git("checkout", "--quiet", "main");
        repo.git("merge", "--quiet", "--no-ff", "-m", "merge side", "side");
        c.merge = repo.git("rev-parse", "HEAD");
        c.bad = repo.commit("bad", { "index.ts": "// v2\n", "Pulumi.prod.yaml": stackFile("app:v20") });
    });
    after(() => repo.remove());
    afterEach(async () => {
        for (const w of worktrees.splice(0)) await w.remove();
        repo.git("checkout", "--quiet", "--", ".");
        for (const branch of repo.git("branch", "--list", "rollback/*").split("\n").filter(Boolean)) repo.git("branch", "-D", branch.trim());
    });

    async function worktreeAt(commit: string): Promise<TempWorktree> {
        const w = await TempWorktree.create(repo.dir, "HEAD");
        worktrees.push(w);
        await w.checkout(commit);
        return w;
    }

    const plan = (target: string, current?: string): RollbackPlan => ({
        current: updateRecord(5, { commit: current }),
        target: updateRecord(4, { commit: target }),
        targetCommit: target,
        currentCommit: current,
    });
    const short = (sha: string) => sha.slice(0, 12);

    async function refusal(promise: Promise<unknown>): Promise<string> {
        return promise.then(
            () => assert.fail("not refused"),
            (error: Error) => (assert.ok(error instanceof RollbackRefused, error.stack), error.message),
        );
    }

    describe("advice", () => {
        it("a code file alone differing from HEAD needs a revert, not the stack file", async () => {
            const w = await worktreeAt(c.bad);
            fs.writeFileSync(w.file("index.ts"), "// v1\n");
            const advice = await adviseRepository(w, plan(c.good, c.bad), "acme/p/prod", "Pulumi.prod.yaml");
            assert.strictEqual(advice.kind, "revert");
            assert.deepStrictEqual(advice.differing, ["index.ts"]);
            assert.deepStrictEqual(advice.lines, [
                `HEAD differs from commit ${short(c.good)} (update 4) in: index.ts; the next pulumi up from HEAD (CI on main) would re-apply them.`,
                `Revert the commits update 5 added (${short(c.good)}..${short(c.bad)}): --write revert puts the reverts on branch rollback/prod-update-4; push it and merge it through review.`,
            ]);
        });

        it("only the stack file differing: commit it", async () => {
            const w = await worktreeAt(c.bad);
            fs.writeFileSync(w.file("Pulumi.prod.yaml"), stackFile("app:v19"));
            const advice = await adviseRepository(w, plan(c.bad, c.bad), "prod", "Pulumi.prod.yaml");
            assert.deepStrictEqual(advice, {
                kind: "stack-file",
                differing: ["Pulumi.prod.yaml"],
                lines: [
                    "HEAD differs from update 4 only in Pulumi.prod.yaml: the next pulumi up from HEAD (CI on main) would undo this rollback.",
                    'Write the restored file with --write stack-file, then: git add Pulumi.prod.yaml && git commit -m "Roll back prod to update 4"',
                ],
            });
        });

        it("no other commit to revert (none recorded, or the same as the target's): restore the files by hand", async () => {
            const w = await worktreeAt(c.good);
            for (const current of [undefined, c.good]) {
                const advice = await adviseRepository(w, plan(c.good, current), "prod", "Pulumi.prod.yaml");
                assert.strictEqual(advice.kind, "revert");
                assert.strictEqual(
                    advice.lines[1],
                    `Update 5 records no other commit to revert; restore those files by hand: git diff ${short(c.good)} HEAD -- Pulumi.prod.yaml extra.ts index.ts`,
                );
            }
        });
    });

    describe("--write", () => {
        it("stack-file refuses when the checkout's stack file has uncommitted changes, and keeps them", async () => {
            const w = await worktreeAt(c.bad);
            fs.writeFileSync(w.file("Pulumi.prod.yaml"), stackFile("app:v19"));
            repo.write({ "Pulumi.prod.yaml": "# mine\n" });
            assert.strictEqual(
                await refusal(writeStackFile(w, "Pulumi.prod.yaml")),
                "Pulumi.prod.yaml has uncommitted changes in your checkout; commit or stash them, then run with --write stack-file again",
            );
            assert.strictEqual(repo.read("Pulumi.prod.yaml"), "# mine\n");
        });

        it("stack-file keeps the file's mode and leaves no staging file", async () => {
            const w = await worktreeAt(c.bad);
            fs.writeFileSync(w.file("Pulumi.prod.yaml"), stackFile("app:v19"));
            fs.chmodSync(path.join(repo.dir, "Pulumi.prod.yaml"), 0o640);
            try {
                assert.strictEqual(await writeStackFile(w, "Pulumi.prod.yaml"), path.join(repo.dir, "Pulumi.prod.yaml"));
                assert.strictEqual(fs.statSync(path.join(repo.dir, "Pulumi.prod.yaml")).mode & 0o777, 0o640);
                assert.strictEqual(repo.read("Pulumi.prod.yaml"), stackFile("app:v19"));
                assert.deepStrictEqual(
                    fs.readdirSync(repo.dir).filter((f) => f.includes("rollback")),
                    [],
                );
            } finally {
                fs.chmodSync(path.join(repo.dir, "Pulumi.prod.yaml"), 0o644);
            }
        });

        it("revert reverts every first-parent commit, a merge against its first parent, newest first", async () => {
            const w = await worktreeAt(c.good);
            assert.strictEqual(await writeRevert(w, plan(c.good, c.bad), "prod"), "rollback/prod-update-4");
            assert.deepStrictEqual(repo.git("log", "--format=%s", `${c.bad}..rollback/prod-update-4`).split("\n"), ['Revert "merge side"', 'Revert "bad"']);
            assert.strictEqual(repo.git("diff", c.good, "rollback/prod-update-4"), "");
            assert.strictEqual(repo.git("rev-parse", "HEAD"), c.bad);
        });

        it("revert refuses without a later commit, with an unrelated order, or when the bad commit is not in HEAD", async () => {
            const w = await worktreeAt(c.good);
            for (const current of [undefined, c.good]) {
                assert.strictEqual(
                    await refusal(writeRevert(w, plan(c.good, current), "prod")),
                    `update 5 records no commit after ${short(c.good)}; there is nothing to revert`,
                );
            }
            assert.strictEqual(
                await refusal(writeRevert(w, plan(c.bad, c.good), "prod")),
                `commit ${short(c.bad)} is not an ancestor of ${short(c.good)}; revert by hand`,
            );
            repo.git("checkout", "--quiet", c.merge);
            try {
                assert.strictEqual(
                    await refusal(writeRevert(w, plan(c.good, c.bad), "prod")),
                    `commit ${short(c.bad)} of update 5 is not in HEAD; revert by hand`,
                );
            } finally {
                repo.git("checkout", "--quiet", "main");
            }
            assert.strictEqual(repo.git("branch", "--list", "rollback/*"), "");
        });
    });

    describe("git calls", () => {
        it("a failing command names itself and git's first line, or the error when git printed nothing", async () => {
            await assert.rejects(git(repo.dir, ["rev-parse", "--verify", "no-such-ref"]), (e: Error) => {
                assert.ok(e instanceof GitError);
                assert.strictEqual(e.message, "git rev-parse --verify no-such-ref failed: fatal: Needed a single revision");
                return true;
            });
            await assert.rejects(git(repo.dir, ["diff", "--quiet", c.good, c.bad]), {
                message: `git diff --quiet ${c.good} ${c.bad} failed: Command failed: git diff --quiet ${c.good} ${c.bad}`,
            });
        });

        it("tells yes from no, and a broken call from both", async () => {
            assert.strictEqual(await commitExists(repo.dir, c.good), true);
            assert.strictEqual(await commitExists(repo.dir, "0123456789abcdef0123456789abcdef01234567"), false);
            assert.strictEqual(await branchExists(repo.dir, "side"), true);
            assert.strictEqual(await branchExists(repo.dir, "rollback/none"), false);
            await assert.rejects(commitExists(path.join(repo.dir, "no-such-dir"), c.good));
        });

        it("without git on PATH, says rollback needs it", async () => {
            const saved = process.env.PATH;
            const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-git-"));
            process.env.PATH = empty;
            try {
                const message = "rollback needs git on PATH (it runs the target's commit from a temporary git worktree)";
                await assert.rejects(topLevel(repo.dir), (e: Error) => e instanceof GitError && e.message === message);
                await assert.rejects(git(repo.dir, ["status"]), { message });
            } finally {
                process.env.PATH = saved;
                fs.rmSync(empty, { recursive: true, force: true });
            }
            assert.strictEqual(await topLevel(os.tmpdir()), undefined);
        });
    });

    describe("the temporary worktree", () => {
        it("lives in a pulumi-rollback- folder, is cleaned up at exit until removed, and can be removed twice", async () => {
            const exits = process.listenerCount("exit");
            const w = await TempWorktree.create(repo.dir, "HEAD");
            assert.match(path.basename(w.tmp), /^pulumi-rollback-/);
            assert.strictEqual(w.dir, path.join(w.tmp, path.basename(repo.dir)));
            assert.strictEqual(process.listenerCount("exit"), exits + 1);
            await w.remove();
            assert.strictEqual(process.listenerCount("exit"), exits);
            assert.ok(!fs.existsSync(w.tmp));
            await w.remove();
            assert.strictEqual(repo.worktrees().length, 1);
        });

        it("links the checkout's node_modules beside the worktree, or installs when the checkout has none", async () => {
            const w = await worktreeAt(c.bad);
            const installs: string[] = [];
            const install = async (dir: string) => void installs.push(dir);
            assert.strictEqual(await w.provideDependencies(c.bad, install), "linked");
            assert.strictEqual(fs.readlinkSync(path.join(w.tmp, "node_modules")), path.join(repo.dir, "node_modules"));
            assert.deepStrictEqual(installs, []);
            fs.renameSync(path.join(repo.dir, "node_modules"), path.join(repo.dir, "node_modules.away"));
            try {
                assert.strictEqual(await w.provideDependencies(c.bad, install), "installed");
                assert.deepStrictEqual(installs, [w.dir]);
                assert.ok(!fs.existsSync(path.join(w.tmp, "node_modules")), "the old link was removed");
            } finally {
                fs.renameSync(path.join(repo.dir, "node_modules.away"), path.join(repo.dir, "node_modules"));
            }
        });
    });
});
