import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { REPO } from "./cli";

interface Step {
    readonly name?: string;
    readonly run?: string;
    readonly uses?: string;
    readonly with?: Record<string, string>;
}

const WORKFLOW = path.join(REPO, ".github/workflows/infrastructure.yml");

/**
 * Lines this suite does not run again, and why: `npm ci` is what installed the node_modules the copy
 * links to, and `npm test` is this very run (running it again inside itself would never end).
 */
const ALREADY_DONE: Readonly<Record<string, string>> = {
    "npm ci": "installed node_modules, linked into the copy",
    "npm test": "the suite running this test",
};

function offlineSteps(): Step[] {
    const workflow = parse(fs.readFileSync(WORKFLOW, "utf8")) as { jobs: Record<string, { steps: Step[] }> };
    return workflow.jobs.offline.steps;
}

/**
 * The repository as a fresh checkout after `npm ci` has it: tracked and new (not ignored) files, the
 * installed node_modules, and out/ as `npm ci`'s prepare step builds it. Timestamps are kept, so the
 * launcher uses out/ only where this repository's build is current, as it would there.
 */
function cleanCopy(): string {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "workflow-"));
    const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "-z"], { cwd: REPO, encoding: "utf8" })
        .split("\0")
        .filter((f) => f && fs.existsSync(path.join(REPO, f)));
    for (const file of files) {
        fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
        fs.cpSync(path.join(REPO, file), path.join(copy, file), { preserveTimestamps: true });
    }
    if (fs.existsSync(path.join(REPO, "out"))) fs.cpSync(path.join(REPO, "out"), path.join(copy, "out"), { recursive: true, preserveTimestamps: true });
    fs.symlinkSync(path.join(REPO, "node_modules"), path.join(copy, "node_modules"), "dir");
    return copy;
}

/** A `run:` line as GitHub's ubuntu runners run it: `bash --noprofile --norc -eo pipefail`. */
function runLine(line: string, cwd: string): Promise<{ status: number | null; output: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", line], { cwd, env: { ...process.env, CI: "true" } });
        let output = "";
        child.stdout.on("data", (chunk) => (output += chunk));
        child.stderr.on("data", (chunk) => (output += chunk));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, output }));
    });
}

describe("the shipped workflow's offline job, run as written in a clean copy", () => {
    let copy = "";
    const results: { line: string; status: number | null; output: string }[] = [];

    // Whole processes (the plan runs the program from source in the copy) on a shared machine.
    before(async function () {
        this.timeout(300_000);
        copy = cleanCopy();
        for (const step of offlineSteps()) {
            if (!step.run || step.run.trim() in ALREADY_DONE) continue;
            for (const line of step.run.split("\n").filter((l) => l.trim())) {
                const result = await runLine(line, copy);
                results.push({ line, ...result });
                if (result.status !== 0) return;
            }
        }
    });

    after(() => {
        if (copy) fs.rmSync(copy, { recursive: true, force: true });
    });

    it("runs every step but npm ci and npm test (done by this run), and each exits 0", () => {
        const skipped = offlineSteps()
            .filter((s) => s.run && s.run.trim() in ALREADY_DONE)
            .map((s) => s.run!.trim());
        assert.deepStrictEqual(skipped.sort(), Object.keys(ALREADY_DONE).sort());
        assert.ok(results.length >= 2, `ran only: ${results.map((r) => r.line).join("; ")}`);
        for (const r of results) assert.strictEqual(r.status, 0, `\`${r.line}\` exited ${r.status}:\n${r.output.slice(-2000)}`);
    });

    it("leaves, for the upload step, a plan JSON the checker reads", () => {
        const upload = offlineSteps().find((s) => s.uses?.startsWith("actions/upload-artifact"));
        assert.ok(upload?.with?.path, "no upload-artifact step with a path");
        const plan = JSON.parse(fs.readFileSync(path.join(copy, upload.with.path), "utf8"));
        assert.strictEqual(plan.stack, "prod");
        assert.ok(plan.resources.every((r: { urn?: string }) => r.urn?.startsWith("urn:pulumi:prod::")));
        // The committed stages: the NAT path for App Runner, the imports for ECS.
        assert.deepStrictEqual(plan.stages, [
            { part: "appRunner", stage: "egress", next: "adopt" },
            { part: "ecs", stage: "adopt", next: "harden" },
        ]);
        assert.ok(plan.resources.some((r: { type: string }) => r.type === "aws:ec2/natGateway:NatGateway"));
    });
});
