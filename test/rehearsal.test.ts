import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { locateCli, NoCliError } from "../tools/engine/locateCli";
import { takeOutSecureValues } from "../tools/engine/rehearsal";
import { EngineSandbox } from "../tools/engine/sandbox";
import { recordedAccount } from "../simulator/recordedAccount";
import { runCli } from "./cli";
import { runCliInProcess } from "./cliInProcess";
import { tempDir } from "./tempDirs";

const rehearsalDir = () => tempDir("rehearsal-test-");

function fakeEngine(dir: string, names = ["pulumi", "pulumi-language-nodejs"]): string {
    fs.mkdirSync(dir, { recursive: true });
    for (const name of names) fs.writeFileSync(path.join(dir, name), "#!/bin/sh\n", { mode: 0o755 });
    return dir;
}

describe("rehearsal", () => {
    describe("locating a Pulumi CLI", () => {
        it("takes an explicit folder only when it holds both the CLI and the Node language host", () => {
            const dir = fakeEngine(path.join(rehearsalDir(), "cli"), ["pulumi"]);
            assert.throws(
                () => locateCli(dir, {}),
                (e: Error) => e instanceof NoCliError && /pulumi and pulumi-language-nodejs/.test(e.message),
            );
            fakeEngine(dir);
            assert.strictEqual(locateCli(dir, {}), dir);
        });

        it("prefers the user's install on the PATH over the engine build cache", () => {
            const root = rehearsalDir();
            const onPath = fakeEngine(path.join(root, "bin"));
            fakeEngine(path.join(root, "cache", "pulumi-v3.248.0-abc"));
            assert.strictEqual(locateCli(undefined, { PATH: `/nonexistent${path.delimiter}${onPath}`, ENGINE_CACHE_DIR: path.join(root, "cache") }), onPath);
        });

        it("falls back to engine/build.sh's cache, ignoring unfinished builds", () => {
            const root = rehearsalDir();
            const built = fakeEngine(path.join(root, "cache", "pulumi-v3.248.0-abc"));
            fakeEngine(path.join(root, "cache", "pulumi-v3.248.0-def.partial.123"));
            // A newer folder built for another SDK version (package.json moved on) is not this project's engine.
            const other = fakeEngine(path.join(root, "cache", "pulumi-v3.100.0-xyz"));
            fs.utimesSync(other, new Date(), new Date(Date.now() + 60_000));
            assert.strictEqual(locateCli(undefined, { PATH: "", ENGINE_CACHE_DIR: path.join(root, "cache") }), built);
        });

        it("says how to get one when there is none", () => {
            assert.throws(
                () => locateCli(undefined, { PATH: "", ENGINE_CACHE_DIR: path.join(rehearsalDir(), "empty") }),
                (e: Error) => e instanceof NoCliError && /npm run engine:build/.test(e.message) && /--cli/.test(e.message),
            );
        });
    });

    it("refuses a secretValues key in --set by name, never echoing its value", async function () {
        this.timeout(60_000);
        const cli = fakeEngine(path.join(rehearsalDir(), "cli"));
        const result = await runCliInProcess(["rehearse", "--cli", cli, "--set", "egress-remediation:secretValues.TWILIO_AUTH_TOKEN=s3cr3t-CANARY-set"]);
        assert.strictEqual(result.status, 2);
        assert.match(result.stderr, /--set egress-remediation:secretValues\.TWILIO_AUTH_TOKEN: secret values never go on a command line/);
        assert.ok(!(result.stdout + result.stderr).includes("s3cr3t-CANARY-set"));
    });

    it("checks its options before looking for a CLI: a bad --set, or --out into a folder that does not exist", async () => {
        const noCli = path.join(rehearsalDir(), "no-cli-here");
        const badSet = await runCliInProcess(["rehearse", "--cli", noCli, "--set", "egress-remediation:ecs.vpcId"]);
        assert.deepStrictEqual([badSet.status, badSet.stderr.trim().split("\n").length], [2, 1]);
        assert.match(badSet.stderr, /^--set egress-remediation:ecs\.vpcId: expected <config-path>=<value>/);
        const missing = path.join(rehearsalDir(), "missing", "stages.json");
        const badOut = await runCliInProcess(["rehearse", "--cli", noCli, "--stages", "--out", missing]);
        assert.strictEqual(badOut.status, 2);
        assert.strictEqual(badOut.stderr.trim(), `--out ${missing}: the folder ${path.dirname(missing)} does not exist`);
    });

    it("asks the running CLI to cancel on Ctrl-C, removes its sandbox and exits 130", async function () {
        this.timeout(120_000);
        const root = rehearsalDir();
        const cli = fakeEngine(path.join(root, "cli"));
        const started = path.join(root, "started");
        // A stand-in CLI that records where its sandbox is and runs until it is told to stop.
        fs.writeFileSync(path.join(cli, "pulumi"), `#!/bin/sh\necho "$PULUMI_HOME" > ${started}.tmp && mv ${started}.tmp ${started}\nexec sleep 300\n`, {
            mode: 0o755,
        });
        const controller = new AbortController();
        const rehearsal = runCli(["rehearse", "--cli", cli], { signal: controller.signal });
        while (!fs.existsSync(started)) await new Promise((resolve) => setTimeout(resolve, 50));
        controller.abort();
        const result = await rehearsal;
        assert.strictEqual(result.status, 130, result.stderr);
        assert.match(result.stderr, /rehearsal interrupted by SIGINT; its sandbox was removed/);
        const sandboxRoot = path.dirname(fs.readFileSync(started, "utf8").trim());
        assert.match(sandboxRoot, /egress-engine-/);
        assert.strictEqual(fs.existsSync(sandboxRoot), false, `${sandboxRoot} is left behind`);
    });

    it("takes encrypted values and the encryption settings out of the copied stack file, keeping comments", () => {
        const file = path.join(rehearsalDir(), "Pulumi.prod.yaml");
        fs.writeFileSync(
            file,
            [
                "encryptionsalt: v1:abc",
                "config:",
                "  # keep me",
                "  aws:region: us-east-1",
                "  app:token:",
                "    secure: v1:AAAA",
                "  app:nested:",
                "    plain: 1",
                "    deeper:",
                "      password:",
                "        secure: v1:BBBB",
                "  app:list:",
                "    - first",
                "    - secure: v1:CCCC",
                "    - inner:",
                "        secure: v1:DDDD",
                "",
            ].join("\n"),
        );
        assert.deepStrictEqual(takeOutSecureValues(file), ["app:token", "app:nested.deeper.password", "app:list[1]", "app:list[2].inner"]);
        const text = fs.readFileSync(file, "utf8");
        assert.doesNotMatch(text, /secure:|encryptionsalt/);
        assert.match(text, /# keep me/);
        assert.match(text, /plain: 1/);
        // A list keeps its length and order: the secure item's place holds a placeholder until it is set again.
        assert.match(text, /- first\n\s+- rehearsal-placeholder-secret\n\s+- \{\}\n/);
    });
});

describe("engine sandbox", () => {
    it("puts the simulated provider first on the PATH and hides every AWS credential and Pulumi setting of the caller", () => {
        const saved = process.env.AWS_ACCESS_KEY_ID;
        const savedPulumi = { PULUMI_ACCESS_TOKEN: process.env.PULUMI_ACCESS_TOKEN, PULUMI_CONFIG_PASSPHRASE_FILE: process.env.PULUMI_CONFIG_PASSPHRASE_FILE };
        process.env.AWS_ACCESS_KEY_ID = "AKIA-CALLER-CANARY";
        // A Pulumi Cloud token would let the rehearsal's CLI reach the caller's organisation; a passphrase file would win over the sandbox's own.
        Object.assign(process.env, { PULUMI_ACCESS_TOKEN: "pul-CALLER-CANARY", PULUMI_CONFIG_PASSPHRASE_FILE: "/caller/passphrase" });
        const cliDir = fakeEngine(path.join(rehearsalDir(), "cli"));
        const first = EngineSandbox.create({ cliDir, account: recordedAccount(), projectDir: tempProject() });
        const second = EngineSandbox.create({ cliDir, account: recordedAccount(), projectDir: tempProject() });
        try {
            const dirs = String(first.env.PATH).split(path.delimiter);
            assert.strictEqual(path.basename(path.dirname(dirs[0])), "simulator");
            assert.strictEqual(dirs[1], cliDir);
            assert.strictEqual(first.env.AWS_ACCESS_KEY_ID, undefined);
            assert.deepStrictEqual([first.env.PULUMI_ACCESS_TOKEN, first.env.PULUMI_CONFIG_PASSPHRASE_FILE], [undefined, undefined]);
            assert.ok(!JSON.stringify(first.env).includes("CALLER-CANARY"));
            assert.deepStrictEqual(
                [first.env.AWS_SHARED_CREDENTIALS_FILE, first.env.AWS_CONFIG_FILE, first.env.AWS_EC2_METADATA_DISABLED],
                ["/dev/null", "/dev/null", "true"],
            );
            assert.match(String(first.env.PULUMI_BACKEND_URL), /^file:\/\/.*egress-engine-/);
            assert.notStrictEqual(first.env.PULUMI_CONFIG_PASSPHRASE, second.env.PULUMI_CONFIG_PASSPHRASE);
        } finally {
            if (saved === undefined) delete process.env.AWS_ACCESS_KEY_ID;
            else process.env.AWS_ACCESS_KEY_ID = saved;
            for (const [key, value] of Object.entries(savedPulumi)) {
                if (value === undefined) delete process.env[key];
                else process.env[key] = value;
            }
            first.dispose();
            second.dispose();
        }
        assert.ok(!fs.existsSync(first.root));
    });
});

/** A minimal project folder to copy: the sandbox links its node_modules. */
function tempProject(): string {
    const dir = rehearsalDir();
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: p\nruntime: nodejs\n");
    fs.mkdirSync(path.join(dir, "node_modules"));
    return dir;
}
