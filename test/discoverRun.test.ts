import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { runDiscover } from "../tools/discover/run";
import { REPO } from "./cli";
import { runCliInProcess } from "./cliInProcess";
import { tempDir } from "./tempDirs";

async function discover(options: Partial<Parameters<typeof runDiscover>[0]>) {
    let out = "";
    let err = "";
    const code = await runDiscover({ stack: "prod", root: REPO, out: (t) => (out += t), err: (t) => (err += t), ...options });
    return { code, out, err };
}

describe("discover: bad input is refused in one line before any AWS call", () => {
    it("names an unknown stack and the stacks there are", async () => {
        const run = await discover({ stack: "staging" });
        assert.deepStrictEqual(run, { code: 2, out: "", err: "discover: --stack staging: no Pulumi.staging.yaml; stacks here: dev, prod\n" });
    });

    it("refuses a Terraform state that is not format 4, or not JSON, naming the file", async () => {
        const dir = tempDir("discover-tf-");
        const old = path.join(dir, "old.tfstate");
        fs.writeFileSync(old, JSON.stringify({ version: 3, modules: [] }));
        const notJson = path.join(dir, "state.txt");
        fs.writeFileSync(notJson, "terraform output\n");
        // No credentials and no endpoint: reaching AWS would fail differently.
        assert.deepStrictEqual(await discover({ terraformState: old }), {
            code: 2,
            out: "",
            err: `discover: --terraform-state ${old} has state format version 3; only version 4 (Terraform 0.12 and later) is read\n`,
        });
        assert.deepStrictEqual(await discover({ terraformState: notJson }), {
            code: 2,
            out: "",
            err: `discover: --terraform-state ${notJson}: not JSON (save it with \`terraform state pull > state.json\`)\n`,
        });
        assert.strictEqual(
            (await discover({ terraformState: path.join(dir, "missing.json") })).err,
            `discover: --terraform-state ${path.join(dir, "missing.json")}: cannot read it (ENOENT)\n`,
        );
    });

    it("refuses a stack file the program's schema rejects, with the first problem", async () => {
        const dir = tempDir("discover-bad-");
        fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), fs.readFileSync(path.join(REPO, "Pulumi.prod.yaml"), "utf8").replace("port: 8000", "port: 80000"));
        const run = await discover({ root: dir });
        assert.strictEqual(run.code, 2);
        assert.match(
            run.err,
            /^discover: the stack config is invalid; fix it first \(npm run plan lists every problem\): egress-remediation:appRunner\.service\.port must be at most 65535; got 80000\n$/,
        );
    });

    it("as a command of the tool: needs --stack, and prints the usage under the error", async () => {
        const run = await runCliInProcess(["discover"]);
        assert.strictEqual(run.status, 2);
        assert.strictEqual(
            run.stderr,
            "error: required option '-s, --stack <name>' not specified\nusage: egress-remediation discover --stack <name> [--write] [--terraform-state <state.json>]\n",
        );
        assert.strictEqual(run.stdout, "");
    });
});

describe("discover: a greenfield stack", () => {
    it("has nothing to read and contacts no account", async () => {
        // Pulumi.dev.yaml builds a new VPC and cluster; no credentials exist here, so any call would fail.
        const run = await discover({ stack: "dev" });
        assert.strictEqual(run.err, "");
        assert.strictEqual(run.code, 0);
        assert.match(run.out, /ok {4}appRunner builds a new VPC and adopts nothing: nothing to read\n {2}ok {4}ecs creates its cluster: nothing to read\n/);
        assert.match(run.out, /No value in Pulumi\.dev\.yaml differs from the accounts\./);
    });
});
