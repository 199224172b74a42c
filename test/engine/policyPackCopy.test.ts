import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandResult, EngineSandbox, run } from "../../tools/engine/sandbox";
import { expectSuccess, prodSandbox, timed } from "./harness";

const REPO = path.resolve(__dirname, "../..");
const WORLD_OPEN = "egress-remediation:appRunner.dataStores.cidrSources.everyone";

/** The pack's lines under `Policies:` that name a mandatory violation, with the pack's location left out. */
function mandatoryViolations(preview: CommandResult): string[] {
    const lines = preview.stdout.split("\n");
    const found: string[] = [];
    lines.forEach((line, i) => {
        if (/\[mandatory\]/.test(line)) found.push(`${line.trim()} | ${lines[i + 1]?.trim()}`);
    });
    return found;
}

describe("the policy pack copied alone, outside the repository, with its own dependencies (as `pulumi policy publish` ships it)", function () {
    // An npm install of the pack's dependencies and two previews: minutes on a loaded machine.
    this.timeout(30 * 60_000);
    let sandbox: EngineSandbox;
    let copyRoot: string;
    let pack: string;

    before(async function () {
        copyRoot = fs.mkdtempSync(path.join(os.tmpdir(), "policy-pack-copy-"));
        pack = path.join(copyRoot, "egress-remediation-guard");
        fs.cpSync(path.join(REPO, "policies"), pack, { recursive: true, filter: (from) => path.basename(from) !== "node_modules" });
        // No CLI installs a local pack's dependencies; a team runs npm in the pack's folder. The pack has no
        // lock file, so npm resolves its pinned versions (from the cache when it can).
        const installed = await timed("npm install in the pack's copy", () =>
            run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: pack, env: process.env }),
        );
        expectSuccess(installed, "npm install in the pack's copy");
        sandbox = await prodSandbox();
        expectSuccess(await sandbox.pulumi(["config", "set", "--stack", "prod", "--path", WORLD_OPEN, "0.0.0.0/0"]), `config set ${WORLD_OPEN}`);
    });
    after(() => {
        sandbox?.dispose();
        if (copyRoot) fs.rmSync(copyRoot, { recursive: true, force: true });
    });

    it("the copy resolves its packages from its own node_modules, not the repository's", () => {
        assert.ok(path.relative(REPO, pack).startsWith(".."), "the copy is outside the repository");
        assert.ok(!fs.lstatSync(path.join(pack, "node_modules")).isSymbolicLink());
        for (const name of ["@pulumi/policy", "@pulumi/pulumi", "ipaddr.js", "typescript", "ts-node"]) {
            const resolved = require.resolve(`${name}/package.json`, { paths: [pack] });
            assert.ok(resolved.startsWith(path.join(pack, "node_modules")), `${name} resolves to ${resolved}`);
        }
    });

    it("blocks the world-open data-store source with the same mandatory violation as the pack in the repository", async () => {
        const fromCopy = await timed("preview with the copied pack", () => sandbox.pulumi(["preview", "--stack", "prod", "--policy-pack", pack]));
        assert.notStrictEqual(fromCopy.status, 0, `the preview should fail:\n${fromCopy.stdout.slice(-3000)}`);
        assert.match(fromCopy.stdout, new RegExp(`egress-remediation-guard@v0\\.1\\.0 \\(local: ${pack.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\)`));
        const copied = mandatoryViolations(fromCopy);
        assert.ok(
            copied.some((line) => /\[mandatory\]\s+no-world-open-database-ingress\b/.test(line)),
            fromCopy.stdout.slice(-3000),
        );

        const inRepo = await timed("preview with the pack in the repository", () =>
            sandbox.pulumi(["preview", "--stack", "prod", "--policy-pack", "policies"]),
        );
        assert.notStrictEqual(inRepo.status, 0);
        assert.deepStrictEqual(copied, mandatoryViolations(inRepo));
    });
});
