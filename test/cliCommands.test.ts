import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO, runCli, ToolResult } from "./cli";
import { runCliInProcess } from "./cliInProcess";
import { hardened, prodProjectWith } from "./fixtures";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-"));
const SEED = path.join(__dirname, "fixtures", "seed-rds-world-open.export.json");
/** One of the prod stack's unconfirmed values at its committed stages, which the program warns about and the plan lists. */
const UNCONFIRMED_SUBNET = /egress-remediation:appRunner\.network\.publicSubnetIds: /g;
/** One the harden stage reads, and the committed stages do not. */
const UNCONFIRMED_IMAGE = /egress-remediation:ecs\.api\.image: /g;

const projectWith = (edit: (config: Record<string, any>) => void) => prodProjectWith(edit, tmp);

describe("egress-remediation (the command-line tool)", () => {
    const runs: Record<string, ToolResult> = {};
    const before_ = path.join(tmp, "before.json");
    const checkOut = path.join(tmp, "check.json");
    const planOut = path.join(tmp, "plan.json");

    // Three runs start the real entry point (tools/launch.js, a whole Node process each): it must exit on its
    // own, with only the JSON on stdout, on success and on a verdict of violations. The others run the same
    // program in this process, one after the other.
    before(async function () {
        this.timeout(120_000);
        const noNat = projectWith(hardened((c) => (c["egress-remediation:appRunner"].network.natMode = "none")));
        const atHarden = projectWith(hardened(() => {}));
        const misspelt = projectWith((c) => {
            c["egress-remediaton:appRunner"] = c["egress-remediation:appRunner"];
            delete c["egress-remediation:appRunner"];
        });
        const decommissioned = projectWith(hardened((c) => (c["egress-remediation:ecs"].decommission = true)));
        const processes = Promise.all([runCli(["--help"]), runCli(["plan", "--json", "--out", planOut]), runCli(["check", "--json", SEED])]);
        const inProcess: [string, string[], { cwd?: string }?][] = [
            ["planHelp", ["plan", "--help"]],
            ["checkHelp", ["help", "check"]],
            ["rollbackHelp", ["rollback", "-h"]],
            ["version", ["--version"]],
            ["badOption", ["check", "--jsn", SEED]],
            ["extraArg", ["check", SEED, SEED]],
            ["unknownCommand", ["plna"]],
            ["toZero", ["rollback", "--stack", "prod", "--to", "0"]],
            ["check", ["check", "--out", checkOut, SEED]],
            ["beforeRun", ["plan", "--stack", "prod", "--out", before_], { cwd: noNat }],
            ["namespace", ["plan", "--stack", "prod"], { cwd: misspelt }],
            ["decommission", ["plan", "--stack", "prod"], { cwd: decommissioned }],
            ["against", ["plan", "--stack", "prod", "--against", before_], { cwd: atHarden }],
            ["dev", ["plan", "--stack", "dev"]],
        ];
        for (const [name, args, options] of inProcess) runs[name] = await runCliInProcess(args, options);
        [runs.help, runs.json, runs.checkProcess] = await processes;
    });

    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("--help on the tool and on each command: options with defaults, exit codes, an example; exit 0 on stdout", () => {
        assert.strictEqual(runs.help.status, 0);
        assert.match(runs.help.stdout, /^Usage: egress-remediation \[options\] \[command\]/);
        for (const command of ["plan", "check", "rollback"]) assert.match(runs.help.stdout, new RegExp(`\\n  ${command} `));
        for (const [run, usage] of [
            [runs.planHelp, "Usage: egress-remediation plan [--stack <name>] [--json] [--out <file>]"],
            [runs.checkHelp, "Usage: egress-remediation check [--json] [--out <file>] [--policy-config <file>] <file>"],
            [
                runs.rollbackHelp,
                "Usage: egress-remediation rollback --stack <name> [--part appRunner|ecs] [--to <version>] [--yes [--write stack-file|revert]] | --stack <name> --state <version> [--yes [--backup-dir <dir>]]",
            ],
        ] as const) {
            assert.strictEqual(run.status, 0, run.stderr);
            assert.strictEqual(run.stderr, "");
            assert.ok(run.stdout.startsWith(usage), run.stdout);
            assert.match(run.stdout, /\nOptions:\n/);
            assert.match(run.stdout, /\nExit codes:\n {2}0 {2}.*\n {2}1 {2}.*\n {2}2 {2}/);
            assert.match(run.stdout, /\nExample:\n( {2}.*\n)* {2}egress-remediation /);
        }
        assert.match(runs.planHelp.stdout, /--stack <name> +stack whose Pulumi.<name>.yaml to read \(default:\s+"prod"\)/);
    });

    it("--version prints the package's version", () => {
        assert.strictEqual(runs.version.status, 0);
        assert.strictEqual(runs.version.stdout.trim(), JSON.parse(fs.readFileSync(path.join(REPO, "package.json"), "utf8")).version);
    });

    it("usage errors: one line for the error, the command's usage on the next, exit 2, nothing on stdout", () => {
        for (const [run, error, usage] of [
            [runs.badOption, "error: unknown option '--jsn' (Did you mean --json?)", "usage: egress-remediation check "],
            [runs.extraArg, "error: too many arguments for 'check'. Expected 1 argument but got 2.", "usage: egress-remediation check "],
            [runs.unknownCommand, "error: unknown command 'plna' (Did you mean plan?)", "usage: egress-remediation [options] [command]"],
            [
                runs.toZero,
                "error: option '--to <version>' argument '0' is invalid. must be an update version (a whole number ≥ 1).",
                "usage: egress-remediation rollback ",
            ],
        ] as const) {
            assert.strictEqual(run.status, 2, run.stderr);
            assert.strictEqual(run.stdout, "");
            const lines = run.stderr.trimEnd().split("\n");
            assert.strictEqual(lines.length, 2, run.stderr);
            assert.strictEqual(lines[0], error);
            assert.ok(lines[1].startsWith(usage), lines[1]);
        }
    });

    it("check --out writes the same JSON --json prints, and still prints the table", () => {
        assert.strictEqual(runs.check.status, 1, runs.check.stderr);
        const written = JSON.parse(fs.readFileSync(checkOut, "utf8"));
        assert.deepStrictEqual(Object.keys(written), ["resourcesChecked", "violations", "notEvaluated"]);
        assert.strictEqual(written.violations[0].policyName, "no-world-open-database-ingress");
        assert.match(runs.check.stdout, /│ mandatory │ no-world-open-database-ingress/);
    });

    it("check --json as a whole process: ends on its own with exit 1 on violations, only the JSON on stdout", () => {
        assert.strictEqual(runs.checkProcess.status, 1, runs.checkProcess.stderr);
        assert.strictEqual(runs.checkProcess.stderr, "");
        assert.deepStrictEqual(
            JSON.parse(runs.checkProcess.stdout).violations.map((v: { policyName: string }) => v.policyName),
            ["no-world-open-database-ingress"],
        );
    });

    it("plan --json: only the JSON on stdout; each of the program's warnings once, on stderr; --out holds the same document", () => {
        assert.strictEqual(runs.json.status, 0, runs.json.stderr);
        const doc = JSON.parse(runs.json.stdout);
        assert.deepStrictEqual(JSON.parse(fs.readFileSync(planOut, "utf8")), doc);
        assert.strictEqual(runs.json.stderr.match(UNCONFIRMED_SUBNET)?.length, 1, runs.json.stderr);
        assert.strictEqual(runs.json.stderr.match(UNCONFIRMED_IMAGE), null, "a value only a later stage reads is not warned about");
        assert.ok(
            runs.json.stderr.split("\n").every((line) => line === "" || line.startsWith("warning: ")),
            runs.json.stderr,
        );
        assert.doesNotMatch(runs.json.stderr, /Undefined value/);
    });

    it("plan text: each unconfirmed value said once; warnings under Diagnostics; outputs listed; the preview's summary", () => {
        assert.strictEqual(runs.beforeRun.status, 1, runs.beforeRun.stderr);
        const text = runs.beforeRun.stdout;
        assert.strictEqual(text.match(UNCONFIRMED_IMAGE)?.length, 1);
        assert.strictEqual(runs.beforeRun.stderr, "");
        assert.doesNotMatch(text, /\nDiagnostics:/);
        assert.match(text, /\nOutputs:\n {4}appRunnerServiceUrl: output<string>\n/);
        assert.match(text, /\nResources:\n {4}\+ \d+ to create\n {4}= \d+ to import\n {4}\d+ changes\n/);

        assert.strictEqual(runs.decommission.status, 0, runs.decommission.stderr);
        assert.match(runs.decommission.stdout, / \+ {3}pulumi:pulumi:Stack +egress-remediation-prod +create +1 warning\n/);
        assert.match(
            runs.decommission.stdout,
            /\nDiagnostics:\n {2}pulumi:pulumi:Stack \(egress-remediation-prod\):\n {4}warning: ecs\.decommission is set: its resources are unprotected/,
        );
        assert.strictEqual(runs.decommission.stdout.match(/ecs\.decommission is set/g)?.length, 1);
    });

    it("plan on a stack that imports nothing: no import line in the summary", () => {
        assert.strictEqual(runs.dev.status, 0, runs.dev.stderr);
        assert.match(runs.dev.stdout, /\nResources:\n {4}\+ (\d+) to create\n {4}\1 changes\n/);
        assert.doesNotMatch(runs.dev.stdout, /to import|\bimport {2}from /);
    });

    it("plan --against: the changes first, in the preview's columns, instead of the whole tree", () => {
        assert.strictEqual(runs.against.status, 0, runs.against.stderr);
        const text = runs.against.stdout;
        const changes = text.indexOf(`Changes against ${before_}:`);
        assert.ok(changes > 0 && changes < text.indexOf("Egress path:"), text);
        assert.doesNotMatch(text, /pulumi:pulumi:Stack {2,}egress-remediation-prod/);
        assert.match(text, /\n \+ {3}aws:ec2:NatGateway +egress-nat +create\n/);
        assert.match(text, /\nResources:\n {4}\+ 6 to create\n {4}6 changes\. \d+ unchanged\n/);
    });

    it("a misspelt namespace is named with the key meant, not silently dropped", () => {
        assert.strictEqual(runs.namespace.status, 2);
        assert.strictEqual(runs.namespace.stdout, "");
        assert.match(
            runs.namespace.stderr,
            /^egress-remediaton:appRunner is under the unknown namespace "egress-remediaton"; did you mean egress-remediation:appRunner\?$/m,
        );
    });
});
