import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConcurrentUpdateError } from "@pulumi/pulumi/automation";
import { Interrupted, Interrupts } from "../tools/rollback/interrupts";
import { RollbackRefused } from "../tools/rollback/planRollback";
import { RollbackFailed } from "../tools/rollback/runRollback";
import { runStateRestore } from "../tools/rollback/stateRestore";
import { StateResource } from "../tools/rollback/stackOperations";
import { deployment, FakeStack, updateRecord } from "./fakeStack";

/** `rollback --state`: what it refuses, prints and writes, against the fake stack in temporary folders. */
describe("rollback --state (more)", () => {
    let project: string;
    let backups: string;
    const nat: StateResource = { urn: "urn:pulumi:prod::p::aws:ec2/natGateway:NatGateway::nat", type: "aws:ec2/natGateway:NatGateway", id: "nat-1" };
    const route: StateResource = { urn: "urn:pulumi:prod::p::aws:ec2/route:Route::route", type: "aws:ec2/route:Route", id: "r-1" };

    beforeEach(() => {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "state-more-"));
        backups = fs.mkdtempSync(path.join(os.tmpdir(), "state-more-backups-"));
        fs.writeFileSync(path.join(project, "Pulumi.yaml"), "name: p\n");
        fs.writeFileSync(path.join(project, "Pulumi.prod.yaml"), "config: {}\n");
    });
    afterEach(() => {
        fs.rmSync(project, { recursive: true, force: true });
        fs.rmSync(backups, { recursive: true, force: true });
    });

    /** Update 3 left the NAT and its route; update 4, the newest, dropped the route. */
    function stack(): FakeStack {
        const s = new FakeStack([updateRecord(4, { kind: "refresh" }), updateRecord(3, {}), updateRecord(2, {})]);
        s.checkpoints.set(3, deployment([nat, route]));
        s.checkpoints.set(4, deployment([nat]));
        s.state = deployment([nat]);
        return s;
    }

    async function restore(s: FakeStack, version: number, options: { yes?: boolean; stack?: string; interrupts?: Interrupts } = {}) {
        const lines: string[] = [];
        const outcome = await runStateRestore(
            { stack: options.stack ?? "prod", version, yes: options.yes ?? false, projectDir: project, backupDir: backups, print: (l) => lines.push(l) },
            { open: s.open, interrupts: options.interrupts ?? new Interrupts(() => undefined) },
        );
        return { outcome, lines };
    }

    async function rejection(promise: Promise<unknown>): Promise<Error> {
        return promise.then(
            () => assert.fail("not rejected"),
            (error: Error) => error,
        );
    }

    it("runs the CLI on copies of Pulumi.yaml and the stack's own file (the last part of an org/project/stack name), then removes them", async () => {
        const s = stack();
        let copied: string[] = [];
        const open = s.open;
        s.open = async (name, workDir) => {
            copied = fs.readdirSync(workDir).sort();
            return open(name, workDir);
        };
        fs.writeFileSync(path.join(project, "Pulumi.dev.yaml"), "config: {}\n");
        await restore(s, 3, { stack: "acme/p/prod" });
        assert.deepStrictEqual(copied, ["Pulumi.prod.yaml", "Pulumi.yaml"]);
        assert.notStrictEqual(s.workDir, project);
        assert.ok(!fs.existsSync(s.workDir));

        fs.rmSync(path.join(project, "Pulumi.prod.yaml"));
        await restore(s, 3);
        assert.deepStrictEqual(copied, ["Pulumi.yaml"]);
    });

    it("lists what the import would change, says which update is the newest, and imports nothing without --yes", async () => {
        const s = stack();
        const { outcome, lines } = await restore(s, 3);
        assert.deepStrictEqual(outcome, { imported: false });
        assert.deepStrictEqual(lines, [
            "Restoring the state of stack prod to the checkpoint update 3 (update, succeeded, 2026-01-23T06:03:00.000Z) left.",
            `  + ${route.urn}  (in update 3's checkpoint, missing now)`,
            "Nothing was changed. Re-run with --yes to save the current state to a file and import this checkpoint.",
        ]);
        assert.strictEqual(s.imported, undefined);
        assert.deepStrictEqual(fs.readdirSync(backups), []);
        assert.deepStrictEqual(
            s.calls.filter((c) => c.startsWith("history")),
            ["history(false)"],
            "history is read without secrets",
        );
        const newest = await restore(s, 4);
        assert.match(newest.lines[1], /^Update 4 is the newest update; the state has been edited since only if a difference is listed below\.$/);
        assert.deepStrictEqual(newest.outcome, { imported: false }, "the checkpoint equals the state: nothing imported");
        const withYes = await restore(s, 4, { yes: true });
        assert.deepStrictEqual(withYes.outcome, { imported: false });
        assert.strictEqual(withYes.lines[2], "The checkpoint of update 4 equals the current state; nothing to import.");
        assert.strictEqual(s.imported, undefined);
    });

    it("pending operations alone are worth an import: they are listed and dropped", async () => {
        const s = stack();
        s.pending = 2;
        const preview = await restore(s, 4);
        assert.ok(preview.lines.includes("The current state's 2 pending operation(s) would be dropped."), preview.lines.join("\n"));
        assert.ok(!preview.lines.some((l) => /equals the current state/.test(l)));
        const { outcome } = await restore(s, 4, { yes: true });
        assert.strictEqual(outcome.imported, true);
        assert.deepStrictEqual(s.imported, s.checkpoints.get(4));
    });

    it("with --yes saves the state to a file named after the stack and the time, then imports and says how to undo", async () => {
        const s = stack();
        const before = await s.exportState();
        const { outcome, lines } = await restore(s, 3, { yes: true, stack: "acme/p/prod" });
        const [file] = fs.readdirSync(backups);
        assert.match(file, /^prod-state-before-restore-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.json$/);
        const backup = path.join(backups, file);
        assert.deepStrictEqual(outcome, { imported: true, backup });
        assert.strictEqual(fs.readFileSync(backup, "utf8"), `${JSON.stringify(before, null, 4)}\n`);
        assert.deepStrictEqual(s.imported, s.checkpoints.get(3));
        assert.deepStrictEqual(lines.slice(-2), [
            `Imported update 3's checkpoint. The previous state is saved in ${backup} (undo: pulumi stack import --stack acme/p/prod --file ${backup}).`,
            "Next, with the right credentials: pulumi refresh --stack acme/p/prod --preview-only, then pulumi refresh --stack acme/p/prod, then pulumi preview --stack acme/p/prod --policy-pack policies.",
        ]);
    });

    it("numbers a file backend's history before choosing, and ignores previews, finished or not", async () => {
        const s = new FakeStack([updateRecord(0, { kind: "preview", result: "in-progress" }), updateRecord(0, {}), updateRecord(0, {})]);
        // Numbered from the oldest over every entry: the preview is 3, the updates 2 and 1.
        s.checkpoints.set(1, deployment([nat, route]));
        s.state = deployment([nat]);
        const { lines } = await restore(s, 1);
        assert.match(lines[0], /to the checkpoint update 1 \(update, succeeded, .*\) left\.$/);
        await assert.rejects(restore(s, 3), { message: "update 3 is not in the stack's history; versions: 2, 1" });
    });

    it("refuses while an update has not started or is running, before reading any state", async () => {
        for (const result of ["not-started", "in-progress"]) {
            const s = stack();
            (s.records[1] as { result: string }).result = result;
            const error = await rejection(restore(s, 2, { yes: true }));
            assert.ok(error instanceof RollbackRefused);
            assert.strictEqual(error.message, `update 3 (update, ${result}, 2026-01-23T06:03:00.000Z) has not finished; wait for it before restoring state`);
            assert.ok(!s.calls.some((c) => c.startsWith("exportState") || c === "importState"), s.calls.join(", "));
            assert.deepStrictEqual(fs.readdirSync(backups), []);
        }
    });

    it("stops at a signal before reading the state, and again before saving it", async () => {
        const interrupts = new Interrupts(() => undefined).install();
        try {
            process.emit("SIGTERM", "SIGTERM");
            const s = stack();
            const error = await rejection(restore(s, 3, { yes: true, interrupts }));
            assert.ok(error instanceof Interrupted);
            assert.ok(!s.calls.some((c) => c.startsWith("exportState")), s.calls.join(", "));
        } finally {
            interrupts.uninstall();
        }

        const late = new Interrupts(() => undefined).install();
        try {
            const s = stack();
            let reads = 0;
            const exportState = s.exportState.bind(s);
            s.exportState = async (update) => {
                if (!update && ++reads === 2) process.emit("SIGTERM", "SIGTERM");
                return exportState(update);
            };
            assert.ok((await rejection(restore(s, 3, { yes: true, interrupts: late }))) instanceof Interrupted);
            assert.strictEqual(s.imported, undefined);
            assert.deepStrictEqual(fs.readdirSync(backups), []);
        } finally {
            late.uninstall();
        }
    });

    it("an import another update blocks is a refusal, any other failure names the CLI's error; the backup stays in both", async () => {
        const s = stack();
        s.importState = async () => {
            throw Object.create(ConcurrentUpdateError.prototype, { message: { value: "code: 255" } });
        };
        const busy = await rejection(restore(s, 3, { yes: true }));
        assert.ok(busy instanceof RollbackRefused);
        const [first] = fs.readdirSync(backups);
        assert.strictEqual(
            busy.message,
            `another update of prod is running; nothing was imported (the current state is also saved in ${path.join(backups, first)})`,
        );

        fs.rmSync(path.join(backups, first));
        s.importState = async () => {
            throw Object.assign(new Error("pulumi stack import failed"), { commandResult: { stderr: "warning: x\nerror: invalid checkpoint\n" } });
        };
        const failed = await rejection(restore(s, 3, { yes: true }));
        assert.ok(failed instanceof RollbackFailed);
        const [second] = fs.readdirSync(backups);
        assert.strictEqual(
            failed.message,
            `pulumi stack import failed: error: invalid checkpoint; the state before it is saved in ${path.join(backups, second)}`,
        );
    });
});
