import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { rollbackCommand, MissingTool } from "../tools/rollback/command";
import { GitError } from "../tools/rollback/git";
import { Interrupted } from "../tools/rollback/interrupts";
import { RollbackArgs } from "../tools/rollback/options";
import { RollbackRefused } from "../tools/rollback/planRollback";
import { RollbackFailed } from "../tools/rollback/runRollback";
import { OpenStack } from "../tools/rollback/stackOperations";
import { deployment, FakeStack, updateRecord } from "./fakeStack";

/** rollbackCommand in-process: exit codes and the one line on stderr, with a fake stack (no CLI process, no git). */
describe("rollback command: exit codes and messages", () => {
    let project: string;
    beforeEach(() => {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "rollback-command-"));
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: p\n");
    });
    afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

    async function run(args: Partial<RollbackArgs>, open: OpenStack) {
        const out: string[] = [];
        const err: string[] = [];
        const [stdout, stderr] = [process.stdout.write, process.stderr.write];
        process.stdout.write = ((chunk: string) => out.push(chunk) > 0) as typeof process.stdout.write;
        process.stderr.write = ((chunk: string) => err.push(chunk) > 0) as typeof process.stderr.write;
        let code: number;
        try {
            code = await rollbackCommand({ stack: "prod", yes: false, ...args }, project, open);
        } finally {
            process.stdout.write = stdout;
            process.stderr.write = stderr;
        }
        assert.strictEqual(process.listenerCount("SIGTERM"), 0, "signal handlers left installed");
        return { code, stdout: out.join(""), stderr: err.join("") };
    }

    const failing =
        (error: unknown): OpenStack =>
        async () => {
            throw error;
        };

    function restorable(): FakeStack {
        const stack = new FakeStack([updateRecord(2, {}), updateRecord(1, {})]);
        stack.checkpoints.set(1, deployment([{ urn: "urn:a", type: "t" }]));
        return stack;
    }

    it("a state restore that previews exits 0 and reports on stdout", async () => {
        const stack = restorable();
        const { code, stdout, stderr } = await run({ state: 1 }, stack.open);
        assert.strictEqual(code, 0);
        assert.match(stdout, /^Restoring the state of stack prod to the checkpoint update 1 /);
        assert.strictEqual(stderr, "");
    });

    it("saves the state in --backup-dir, or the working directory, before importing", async () => {
        const backups = fs.mkdtempSync(path.join(os.tmpdir(), "rollback-command-backups-"));
        try {
            assert.strictEqual((await run({ state: 1, yes: true, backupDir: backups }, restorable().open)).code, 0);
            assert.strictEqual(fs.readdirSync(backups).length, 1);
            const cwd = process.cwd();
            process.chdir(backups);
            try {
                fs.rmSync(path.join(backups, fs.readdirSync(backups)[0]));
                assert.strictEqual((await run({ state: 1, yes: true }, restorable().open)).code, 0);
            } finally {
                process.chdir(cwd);
            }
            assert.strictEqual(fs.readdirSync(backups).length, 1);
        } finally {
            fs.rmSync(backups, { recursive: true, force: true });
        }
    });

    it("bad usage and refusals exit 2 with one line starting 'rollback refused:'", async () => {
        const usage = await run({ stack: "" }, restorable().open);
        assert.strictEqual(usage.code, 2);
        assert.strictEqual(usage.stderr, "rollback refused: --stack is required\n");
        for (const error of [new RollbackRefused("no"), new GitError("git diff failed: bad object")]) {
            const { code, stderr, stdout } = await run({ state: 1 }, failing(error));
            assert.strictEqual(code, 2);
            assert.strictEqual(stderr, `rollback refused: ${error.message}\n`);
            assert.strictEqual(stdout, "");
        }
    });

    it("a missing tool exits 2 with its own message, not as a refusal", async () => {
        for (const error of [new MissingTool("rollback needs the Pulumi CLI on PATH"), new GitError("rollback needs git on PATH (it runs …)")]) {
            const { code, stderr } = await run({ state: 1 }, failing(error));
            assert.strictEqual(code, 2);
            assert.strictEqual(stderr, `${error.message}\n`);
        }
    });

    it("a failed operation exits 1: its own message, or 'rollback failed:' and the first line of anything else", async () => {
        const failed = await run({ state: 1 }, failing(new RollbackFailed("pulumi up failed while rolling back")));
        assert.deepStrictEqual([failed.code, failed.stderr], [1, "pulumi up failed while rolling back\n"]);
        const other = await run({ state: 1 }, failing(new Error("unexpected\nstack trace line")));
        assert.deepStrictEqual([other.code, other.stderr], [1, "rollback failed: unexpected\n"]);
        const thrown = await run({ state: 1 }, failing("a string"));
        assert.deepStrictEqual([thrown.code, thrown.stderr], [1, "rollback failed: a string\n"]);
    });

    it("an interruption exits 128 + signal and says the checkout is as it was, with the error it caused", async () => {
        const interrupted = await run({ state: 1 }, failing(new Interrupted("SIGINT")));
        assert.deepStrictEqual(
            [interrupted.code, interrupted.stderr],
            [130, "rollback interrupted by SIGINT before anything was changed; the stack, your checkout and its stack file are as they were\n"],
        );
        const during: OpenStack = async () => {
            process.emit("SIGTERM", "SIGTERM");
            throw new Error("pulumi stack select cancelled\nmore");
        };
        const caused = await run({ state: 1 }, during);
        assert.deepStrictEqual(
            [caused.code, caused.stderr],
            [
                143,
                "SIGTERM received: stopping and removing the temporary worktree.\n" +
                    "rollback interrupted by SIGTERM before anything was changed; the stack, your checkout and its stack file are as they were\n",
            ],
        );
    });

    it("a signal during a run that still completes exits 128 + signal", async () => {
        const stack = restorable();
        const open: OpenStack = async (name, dir) => {
            const opened = await stack.open(name, dir);
            const history = opened.history.bind(opened);
            opened.history = async (showSecrets) => {
                const records = await history(showSecrets);
                process.emit("SIGINT", "SIGINT");
                return records;
            };
            return opened;
        };
        const { code } = await run({ state: 1 }, open);
        assert.strictEqual(code, 130);
    });

    it("a thrown value that is no Error still gets one line and exit 1", async () => {
        const { code, stderr } = await run({ state: 1 }, failing(undefined));
        assert.deepStrictEqual([code, stderr], [1, "rollback failed: undefined\n"]);
    });

    describe("opening the real stack", () => {
        let bin: string;
        const saved = process.env.PATH;
        beforeEach(() => {
            bin = fs.mkdtempSync(path.join(os.tmpdir(), "rollback-command-bin-"));
            process.env.PATH = bin;
        });
        afterEach(() => {
            process.env.PATH = saved;
            fs.rmSync(bin, { recursive: true, force: true });
        });

        it("no Pulumi CLI on PATH: says to install it, exit 2", async () => {
            const { code, stderr } = await run({ state: 1 }, undefined as unknown as OpenStack);
            assert.strictEqual(code, 2);
            assert.strictEqual(
                stderr,
                "rollback needs the Pulumi CLI on PATH (it drives `pulumi stack history`, `preview`, `up` and `stack import`); install it, run `pulumi login`, and retry\n",
            );
        });

        it("a stack the CLI cannot select: refused with the CLI's error line", async () => {
            const script = `if (process.argv[2] === "version") console.log("v3.248.0"); else { console.error("warning: one\\nerror: no stack named 'prod' found"); process.exit(255); }`;
            fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} -e ${JSON.stringify(script)} "$@"\n`, {
                mode: 0o755,
            });
            const { code, stderr } = await run({ state: 1 }, undefined as unknown as OpenStack);
            assert.strictEqual(code, 2);
            assert.match(stderr, /^rollback refused: cannot select stack prod: .*error: no stack named 'prod' found\n$/);
        });

        it("any other CLI error while selecting is a refusal too, not a missing CLI", async () => {
            const script = `if (process.argv[2] === "version") console.log("v3.248.0"); else { console.error("error: invalid Pulumi.yaml: runtime is required"); process.exit(255); }`;
            fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} -e ${JSON.stringify(script)} "$@"\n`, {
                mode: 0o755,
            });
            const { code, stderr } = await run({ state: 1 }, undefined as unknown as OpenStack);
            assert.strictEqual(code, 2);
            assert.match(stderr, /^rollback refused: cannot select stack prod: .*error: invalid Pulumi\.yaml: runtime is required\n$/);
        });
    });

    it("a config rollback outside a git checkout is refused", async () => {
        const { code, stderr } = await run({}, restorable().open);
        assert.strictEqual(code, 2);
        assert.strictEqual(stderr, `rollback refused: ${project} is not in a git checkout; rollback runs the target update's commit from git\n`);
    });
});
