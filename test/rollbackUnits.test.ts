import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { fileBackendCheckpoint, fileBackendDir } from "../tools/rollback/diyCheckpoints";
import { Interrupted, Interrupts } from "../tools/rollback/interrupts";
import { changesNothing, destructiveSteps } from "../tools/rollback/previewChecks";
import { cliMessage } from "../tools/rollback/runRollback";
import { diffStates } from "../tools/rollback/stateDiff";
import { Deployment, StateResource } from "../tools/rollback/stackOperations";
import { deployment } from "./fakeStack";

/** The rollback's pure checks, in-process: preview steps, state differences, options, a file backend's history folder. */
describe("preview checks", () => {
    const step = (op: string, type: string, protect = false) => ({ op, urn: `urn:${op}:${type}`, type, protect });

    it("names a protected resource as protected even when its type also holds state, each resource once", () => {
        assert.deepStrictEqual(
            destructiveSteps([
                step("delete", "aws:rds/instance:Instance", true),
                step("delete", "aws:rds/instance:Instance", true),
                step("discard", "aws:s3/bucket:Bucket"),
                step("remove-pending-replace", "aws:ec2/securityGroup:SecurityGroup"),
                step("create", "aws:kms/key:Key", true),
                step("update", "aws:kms/key:Key", true),
                step("read", "aws:s3/bucket:Bucket"),
                step("delete", "aws:apprunner/service:Service"),
            ]),
            [
                "urn:delete:aws:rds/instance:Instance (protected, delete)",
                "urn:discard:aws:s3/bucket:Bucket (stateful, discard)",
                "urn:remove-pending-replace:aws:ec2/securityGroup:SecurityGroup (stateful, remove-pending-replace)",
            ],
        );
        assert.deepStrictEqual(destructiveSteps([]), []);
    });

    it("a protected plain resource deleted by the preview is flagged", () => {
        assert.deepStrictEqual(destructiveSteps([step("delete", "aws:ec2/route:Route", true)]), ["urn:delete:aws:ec2/route:Route (protected, delete)"]);
        assert.deepStrictEqual(destructiveSteps([step("delete", "aws:ec2/route:Route", false)]), []);
    });

    it("changes nothing only when every counted step is same or read", () => {
        assert.strictEqual(changesNothing({ same: 32 }), true);
        assert.strictEqual(changesNothing({ same: 30, read: 2 }), true);
        assert.strictEqual(changesNothing({ read: 1 }), true);
        assert.strictEqual(changesNothing({ same: 31, update: 0, delete: 0 }), true);
        assert.strictEqual(changesNothing({ same: 31, update: 1 }), false);
        assert.strictEqual(changesNothing({ create: 1 }), false);
        assert.strictEqual(changesNothing({ same: 0, delete: 2 }), false);
        assert.strictEqual(changesNothing({}), false, "an unreadable (empty) summary is not 'nothing'");
    });
});

describe("state diff (more)", () => {
    const secret = (ciphertext: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext });
    const resource = (fields: Partial<StateResource>): StateResource => ({ urn: "urn:pulumi:prod::p::t::r", type: "t", id: "r-1", ...fields });

    it("an empty stack (no resources field) against one with resources: all missing, or all extra", () => {
        const empty: Deployment = { version: 3, deployment: {} };
        const one = deployment([resource({})]);
        assert.deepStrictEqual(diffStates(one, empty), [{ urn: "urn:pulumi:prod::p::t::r", change: "missing" }]);
        assert.deepStrictEqual(diffStates(empty, one), [{ urn: "urn:pulumi:prod::p::t::r", change: "extra" }]);
        assert.deepStrictEqual(diffStates(empty, empty), []);
    });

    it("lists differing fields: compared fields first, then inputs and outputs by key", () => {
        const prior = deployment([resource({ inputs: { zone: "a", name: "x", tags: ["a"] }, outputs: { zone: "a", arn: "1" } })]);
        const current = deployment([resource({ id: "r-2", inputs: { zone: "b", name: "y", tags: ["a"] }, outputs: { zone: "b", arn: "2" } })]);
        assert.deepStrictEqual(diffStates(prior, current), [
            { urn: "urn:pulumi:prod::p::t::r", change: "differs", fields: ["id", "inputs.name", "inputs.zone", "outputs.arn", "outputs.zone"] },
        ]);
    });

    it("a secret inside a list or nested object is compared as a secret, not as its ciphertext", () => {
        const prior = deployment([resource({ inputs: { env: [{ value: secret("A") }], nested: { token: secret("B") } } })]);
        const current = deployment([resource({ inputs: { env: [{ value: secret("C") }], nested: { token: secret("D") } } })]);
        assert.deepStrictEqual(diffStates(prior, current), []);
    });

    it("a secret against a plain value, and a list against a map with the same entries, differ", () => {
        const prior = deployment([resource({ inputs: { token: secret("A"), ports: [80, 443] } })]);
        const current = deployment([resource({ inputs: { token: "", ports: { 0: 80, 1: 443 } } })]);
        assert.deepStrictEqual(diffStates(prior, current), [{ urn: "urn:pulumi:prod::p::t::r", change: "differs", fields: ["inputs.ports", "inputs.token"] }]);
        const marker = { "4dabf18193072939515e22adb298388d": "something else", ciphertext: "A" };
        const other = { "4dabf18193072939515e22adb298388d": "something else", ciphertext: "B" };
        assert.deepStrictEqual(diffStates(deployment([resource({ inputs: { v: marker } })]), deployment([resource({ inputs: { v: other } })]))[0].fields, [
            "inputs.v",
        ]);
    });
});

describe("a file backend's history folder (more)", () => {
    let backend: string;
    beforeEach(() => (backend = fs.mkdtempSync(path.join(os.tmpdir(), "diy-history-"))));
    afterEach(() => fs.rmSync(backend, { recursive: true, force: true }));

    /** One update as the DIY backend saves it: a history file and a checkpoint copy with the same stamp. */
    function save(dir: string, stack: string, nanos: bigint, checkpoint: unknown, ext = ".json"): void {
        fs.mkdirSync(dir, { recursive: true });
        const startTime = Number(nanos / 1_000_000_000n);
        fs.writeFileSync(path.join(dir, `${stack}-${nanos}.history${ext}`), JSON.stringify({ kind: "update", startTime }));
        if (checkpoint !== undefined) fs.writeFileSync(path.join(dir, `${stack}-${nanos}.checkpoint${ext}`), JSON.stringify(checkpoint));
    }
    const saved = (marker: string, features?: string[]) => ({
        version: 3,
        ...(features ? { features } : {}),
        checkpoint: { latest: { manifest: { marker }, resources: [] } },
    });

    it("reads the older layout without a project folder, and keeps the checkpoint's features", () => {
        save(path.join(backend, ".pulumi", "history", "prod"), "prod", 1769148000000000000n, saved("old-layout", ["refreshBeforeUpdate"]));
        assert.deepStrictEqual(fileBackendCheckpoint(backend, "egress-remediation", "prod", 1, 1769148000), {
            version: 3,
            features: ["refreshBeforeUpdate"],
            deployment: { manifest: { marker: "old-layout" }, resources: [] },
        });
    });

    it("names both folders it looked in when neither exists", () => {
        assert.throws(() => fileBackendCheckpoint(backend, "egress-remediation", "prod", 1), {
            message: `the file backend at ${backend} keeps no history for stack prod (looked in ${path.join(backend, ".pulumi", "history", "egress-remediation", "prod")} and ${path.join(backend, ".pulumi", "history", "prod")})`,
        });
    });

    it("matches a stack name with dots literally", () => {
        const dir = path.join(backend, ".pulumi", "history", "p", "prod.eu");
        save(dir, "prod.eu", 1769148000000000000n, saved("dotted"));
        save(dir, "prodXeu", 1769140000000000000n, saved("lookalike"));
        const found = fileBackendCheckpoint(backend, "p", "prod.eu", 1);
        assert.deepStrictEqual(found.deployment.manifest, { marker: "dotted" });
        assert.throws(() => fileBackendCheckpoint(backend, "p", "prod.eu", 2), /keeps 1 checkpoint\(s\) for stack prod\.eu; there is no version 2/);
    });

    it("orders many updates by their stamp, oldest first", () => {
        const dir = path.join(backend, ".pulumi", "history", "p", "prod");
        const stamps = Array.from({ length: 40 }, (_, i) => 1769000000000000000n + BigInt((i * 7919) % 40) * 1_000_000_000n);
        for (const stamp of stamps) save(dir, "prod", stamp, saved(String(stamp)));
        const sorted = [...stamps].sort((a, b) => (a < b ? -1 : 1));
        for (const version of [1, 2, 17, 39, 40]) {
            assert.deepStrictEqual(
                fileBackendCheckpoint(backend, "p", "prod", version).deployment.manifest,
                { marker: String(sorted[version - 1]) },
                `version ${version}`,
            );
        }
    });

    it("refuses a missing checkpoint copy, a checkpoint without a deployment, and zstd files", () => {
        const dir = path.join(backend, ".pulumi", "history", "p", "prod");
        save(dir, "prod", 1769000001000000000n, undefined);
        save(dir, "prod", 1769000002000000000n, { version: 3, checkpoint: {} });
        save(dir, "prod", 1769000003000000000n, { version: 3 });
        save(dir, "prod", 1769000004000000000n, saved("zst"), ".json.zst");
        const file = (n: number, kind: string, ext = ".json") => path.join(dir, `prod-176900000${n}000000000.${kind}${ext}`);
        assert.throws(() => fileBackendCheckpoint(backend, "p", "prod", 1), {
            message: `update 1 has no saved checkpoint (${file(1, "checkpoint")} is missing)`,
        });
        assert.throws(() => fileBackendCheckpoint(backend, "p", "prod", 2), {
            message: `${file(2, "checkpoint")} holds no deployment (an update that left the stack empty?)`,
        });
        assert.throws(() => fileBackendCheckpoint(backend, "p", "prod", 3), /holds no deployment/);
        assert.throws(() => fileBackendCheckpoint(backend, "p", "prod", 4), {
            message: `${file(4, "checkpoint", ".json.zst")} is zstd-compressed; decompress it (zstd -d) and use pulumi stack import by hand`,
        });
        assert.throws(() => fileBackendCheckpoint(backend, "p", "prod", 4, 1769000004), {
            message: `${file(4, "history", ".json.zst")} is zstd-compressed; decompress it (zstd -d) and use pulumi stack import by hand`,
        });
    });

    it("no backend URL, or one of another scheme, has no folder", () => {
        assert.strictEqual(fileBackendDir(undefined), undefined);
        assert.strictEqual(fileBackendDir("gs://bucket/file://x"), undefined);
        assert.strictEqual(fileBackendDir("file://relative/state"), path.resolve("relative/state"));
    });
});

describe("the CLI's error line", () => {
    it("is the first line starting with error: in stderr, else the last non-empty line, else the message", () => {
        const failure = (stderr: string | undefined, message = "command failed") => Object.assign(new Error(message), { commandResult: { stderr } });
        assert.strictEqual(cliMessage(failure("warning: a\n  Error: the stack is locked  \nerror: later\n")), "Error: the stack is locked");
        assert.strictEqual(cliMessage(failure("first\nsecond\n\n")), "second");
        assert.strictEqual(cliMessage(failure("", "code: 255\nstdout: x")), "stdout: x");
        assert.strictEqual(cliMessage(failure(undefined, "error: from the message\nmore")), "error: from the message");
        assert.strictEqual(cliMessage(new Error("plain")), "plain");
        assert.strictEqual(cliMessage("a string"), "a string");
        assert.strictEqual(cliMessage(failure("\n \n", "")), "unknown error");
        assert.strictEqual(cliMessage(failure("note: no error: here\nlast line\n")), "last line", "error: counts only at the start of a line");
    });
});

describe("Interrupts (more)", () => {
    it("SIGTERM exits 143; the first signal is told once, and after up a SIGINT is forwarded again", async () => {
        const lines: string[] = [];
        const interrupts = new Interrupts((l) => lines.push(l)).install();
        try {
            interrupts.check();
            assert.strictEqual(interrupts.interruption, undefined);
            await interrupts.duringUp(async () => {
                process.emit("SIGINT", "SIGINT");
                process.emit("SIGINT", "SIGINT");
            });
            assert.deepStrictEqual(lines, ["Interrupt received while pulumi up runs: the CLI got the same Ctrl-C and stops at a safe point; waiting for it."]);
            assert.strictEqual(interrupts.signal.aborted, false);
            process.emit("SIGINT", "SIGINT");
            assert.strictEqual(interrupts.signal.aborted, true, "SIGINT after up is forwarded");
            assert.strictEqual(lines.length, 1, "only the first signal is announced");
        } finally {
            interrupts.uninstall();
        }
        const term = new Interrupts((l) => lines.push(l)).install();
        try {
            process.emit("SIGTERM", "SIGTERM");
            process.emit("SIGINT", "SIGINT");
            assert.strictEqual(lines[1], "SIGTERM received: stopping and removing the temporary worktree.");
            assert.strictEqual(lines.length, 2);
            assert.strictEqual(term.interruption?.exitCode, 143);
            assert.throws(
                () => term.check(),
                (e: Error) => e instanceof Interrupted && e.signal === "SIGTERM" && e.message === "interrupted by SIGTERM",
            );
        } finally {
            term.uninstall();
        }
    });

    it("by default tells the person at the terminal on stderr", () => {
        const written: string[] = [];
        const write = process.stderr.write;
        const interrupts = new Interrupts().install();
        process.stderr.write = ((chunk: string) => written.push(chunk) > 0) as typeof process.stderr.write;
        try {
            process.emit("SIGTERM", "SIGTERM");
        } finally {
            process.stderr.write = write;
            interrupts.uninstall();
        }
        assert.deepStrictEqual(written, ["SIGTERM received: stopping and removing the temporary worktree.\n"]);
    });

    it("a failing up still ends the guard", async () => {
        const interrupts = new Interrupts(() => undefined).install();
        try {
            await assert.rejects(
                interrupts.duringUp(async () => {
                    throw new Error("up failed");
                }),
                /up failed/,
            );
            process.emit("SIGINT", "SIGINT");
            assert.strictEqual(interrupts.signal.aborted, true);
        } finally {
            interrupts.uninstall();
        }
    });
});
