import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { AutomationStack } from "../tools/rollback/automationStack";

interface Call {
    readonly args: string[];
    readonly stdin: string;
}

/**
 * The real AutomationStack (Automation API plus its direct CLI calls) against a stand-in `pulumi`
 * that logs its arguments: which flags reach the CLI, and that no secret value is ever among them.
 */
describe("AutomationStack against a stand-in Pulumi CLI", function () {
    this.timeout(60000);
    let dir: string;
    let bin: string;
    const saved = { PATH: process.env.PATH, FAKE_PULUMI_DIR: process.env.FAKE_PULUMI_DIR, FAKE_PULUMI_URL: process.env.FAKE_PULUMI_URL };
    const calls = (): Call[] =>
        fs
            .readFileSync(path.join(dir, "log.jsonl"), "utf8")
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as Call);

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
        bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        // A wrapper rather than a link: a copy of the repository (Stryker's sandbox) may drop the fixture's executable bit.
        const fake = path.join(__dirname, "fixtures", "fake-pulumi.js");
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(fake)} "$@"\n`, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: egress-remediation\nruntime: nodejs\n");
        fs.writeFileSync(
            path.join(dir, "history.json"),
            JSON.stringify([{ version: 0, kind: "update", result: "succeeded", startTime: "2026-01-23T06:00:00Z", config: {} }]),
        );
        fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify({ "aws:region": { value: "us-east-1", secret: false } }));
        fs.writeFileSync(path.join(dir, "export.json"), JSON.stringify({ version: 3, deployment: { resources: [] } }));
        fs.writeFileSync(path.join(dir, "export-2.json"), JSON.stringify({ version: 3, deployment: { resources: [{ urn: "urn:2", type: "t" }] } }));
        Object.assign(process.env, { PATH: `${bin}${path.delimiter}${process.env.PATH}`, FAKE_PULUMI_DIR: dir, FAKE_PULUMI_URL: "https://api.pulumi.com" });
    });
    after(() => {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("encrypts a secret from stdin, reads history and state without decrypting, and exports a prior version", async () => {
        const stack = await AutomationStack.open("prod", dir);
        await stack.setSecret("aws:secretKey", "S3CR3T-value\n");
        assert.strictEqual((await stack.history(false)).length, 1);
        assert.deepStrictEqual(await stack.stackFileConfig(), { "aws:region": { value: "us-east-1", secret: false } });
        assert.deepStrictEqual(await stack.exportState(), { version: 3, deployment: { resources: [] } });
        assert.strictEqual((await stack.exportState({ version: 2, startTime: "2026-01-23T06:00:00Z" })).deployment.resources![0].urn, "urn:2");

        const log = calls();
        const set = log.find((c) => c.args[0] === "config" && c.args[1] === "set")!;
        assert.deepStrictEqual(set.args, ["config", "set", "--secret", "--raw", "--stack", "prod", "--non-interactive", "--", "aws:secretKey"]);
        assert.strictEqual(set.stdin, "S3CR3T-value\n");
        assert.ok(!log.some((c) => c.args.some((a) => a.includes("S3CR3T"))), "a secret reached the command line");
        assert.ok(!log.find((c) => c.args[1] === "history")!.args.includes("--show-secrets"));
        const exports = log.filter((c) => c.args[1] === "export").map((c) => c.args);
        assert.deepStrictEqual(exports, [
            ["stack", "export", "--stack", "prod", "--non-interactive"],
            ["stack", "export", "--stack", "prod", "--version", "2", "--non-interactive"],
        ]);
    });

    it("previews with the policy pack saving the update plan, and holds up to that plan", async () => {
        const stack = await AutomationStack.open("prod", dir);
        const operation = { policyPack: "/repo/policies", planFile: path.join(dir, "rollback-plan.json"), signal: new AbortController().signal };
        await stack.preview(operation);
        await stack.up({ ...operation, message: "Rollback of prod to update 2 (commit 0123456789ab)", onOutput: () => undefined });
        const [preview, up] = ["preview", "up"].map((op) => calls().find((c) => c.args[0] === op)!.args);
        assert.deepStrictEqual(preview.slice(0, 5), ["preview", "--policy-pack", "/repo/policies", "--save-plan", operation.planFile]);
        assert.deepStrictEqual(up.slice(0, 9), [
            "up",
            "--yes",
            "--skip-preview",
            "--message",
            "Rollback of prod to update 2 (commit 0123456789ab)",
            "--policy-pack",
            "/repo/policies",
            "--plan",
            operation.planFile,
        ]);
    });

    it("reads a prior checkpoint from a file backend's history instead of asking for --version, and refuses a bucket", async () => {
        const backend = path.join(dir, "state");
        const history = path.join(backend, ".pulumi", "history", "egress-remediation", "prod");
        fs.mkdirSync(history, { recursive: true });
        fs.writeFileSync(path.join(history, "prod-1769148000000000000.history.json"), JSON.stringify({ startTime: 1769148000 }));
        fs.writeFileSync(
            path.join(history, "prod-1769148000000000000.checkpoint.json"),
            JSON.stringify({ version: 3, checkpoint: { latest: { resources: [] } } }),
        );
        process.env.FAKE_PULUMI_URL = `file://${backend}`;
        const stack = await AutomationStack.open("prod", dir);
        assert.deepStrictEqual(await stack.exportState({ version: 1, startTime: new Date(1769148000 * 1000) }), { version: 3, deployment: { resources: [] } });
        process.env.FAKE_PULUMI_URL = "s3://state-bucket";
        await assert.rejects(
            stack.exportState({ version: 1, startTime: "2026-01-23T06:00:00Z" }),
            /the backend s3:\/\/state-bucket keeps prior checkpoints .* only from a file:\/\/ backend/,
        );
        assert.ok(!calls().some((c) => c.args.includes("--version") && c.args.includes("1")));
    });
});
