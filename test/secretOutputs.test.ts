import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { evaluatePolicies, exitCodeOf } from "../tools/offline/evaluatePolicies";
import { resourcesFromDocument } from "../tools/offline/readResources";
import { ToolResult } from "./cli";
import { runCliInProcess } from "./cliInProcess";
import { prodProjectWith } from "./fixtures";
import { promiseOf, underMocks } from "./harness";
import { tempFile } from "./tempDirs";

const CANARY = "s3cr3t-CANARY-7d1e";
const SIG = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

/** The seeds' world-open rule, its CIDR a secret: as ciphertext, or as plaintext from `stack export --show-secrets`. */
function exportWithSecretCidr(secret: Record<string, string>): unknown {
    const doc = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "seed-rds-world-open.export.json"), "utf8"));
    doc.deployment.resources[1].inputs.ingress[1].cidrBlocks = [{ ...SIG, ...secret }];
    doc.deployment.resources[1].inputs.tags = { Owner: { ...SIG, plaintext: JSON.stringify(CANARY) } };
    return doc;
}

describe("secrets in what the offline tools read and write", () => {
    it("records a secret input as [secret] while the engine still gets it back as a secret output", async () => {
        const { mocks, built } = await underMocks(
            () => new aws.cloudwatch.LogGroup("lg", { name: "/ecs/x", retentionInDays: 30, tags: { Owner: pulumi.secret(CANARY) } }),
        );
        const recorded = mocks.named("lg");
        // The SDK lifts a nested secret to the whole top-level property, as it does for the engine.
        assert.strictEqual(recorded.inputs.tags, "[secret]");
        assert.ok(!JSON.stringify(mocks.resources).includes(CANARY));
        assert.strictEqual(await pulumi.isSecret(built.tags), true);
        assert.deepStrictEqual(await promiseOf(built.tags), { Owner: CANARY });
    });

    it("reports a policy that must read a secret as not evaluated (exit 3), and still judges what it can", async () => {
        const { mocks } = await underMocks(() => [
            new aws.ec2.SecurityGroup("db", { ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: [pulumi.secret("0.0.0.0/0")] }] }),
            new aws.cloudwatch.LogGroup("forever", { name: "/ecs/y", tags: { Owner: pulumi.secret(CANARY) } }),
        ]);
        const evaluation = evaluatePolicies(
            mocks.resources.map((r) => ({ urn: `urn:${r.name}`, type: r.type, name: r.name, inputs: r.inputs, outputs: r.state })),
        );
        const secretSkips = evaluation.notEvaluated.filter((n) => n.cause === "secret").map((n) => [n.policyName, n.urn, n.enforcementLevel]);
        // The stack policy that reads all rules of a group together stops at the same secret.
        assert.deepStrictEqual(secretSkips, [
            ["no-world-open-database-ingress", "urn:db", "mandatory"],
            ["no-world-open-database-ingress-across-rules", "", "mandatory"],
        ]);
        assert.deepStrictEqual(
            evaluation.violations.map((v) => [v.policyName, v.urn]),
            [["log-groups-have-retention", "urn:forever"]],
        );
        assert.strictEqual(exitCodeOf(evaluation), 3);
        assert.match(evaluation.notEvaluated[0].reason, /^value at \.ingress is a secret/);
    });

    it("a world-open rule behind a secret one is not reported as passed (exit 3)", () => {
        const doc = exportWithSecretCidr({ ciphertext: "v1:abc" }) as any;
        doc.deployment.resources[1].inputs.ingress.push({ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["::/0"] });
        // The policy reads rules in order and stops at the secret, so the later world-open rule is not reached: not a pass either.
        const evaluation = evaluatePolicies(resourcesFromDocument(doc));
        assert.strictEqual(exitCodeOf(evaluation), 3);
    });

    describe("npm run check on a stack export holding secrets", () => {
        const runs: Record<string, ToolResult> = {};
        before(async function () {
            // Whole Node processes (or the whole program under mocks): allow for a loaded machine.
            this.timeout(180_000);
            const cipher = tempFile("cipher.json", JSON.stringify(exportWithSecretCidr({ ciphertext: "v1:Zm9vYmFy" })));
            const plain = tempFile("plain.json", JSON.stringify(exportWithSecretCidr({ plaintext: JSON.stringify(`0.0.0.0/0 ${CANARY}`) })));
            const broken = tempFile("broken.json", `{"deployment": {"resources": [{"urn": ${CANARY}}]}}`);
            const [json, table, jsonPlain, malformed] = await Promise.all([
                runCliInProcess(["check", "--json", cipher]),
                runCliInProcess(["check", plain]),
                runCliInProcess(["check", "--json", plain]),
                runCliInProcess(["check", broken]),
            ]);
            Object.assign(runs, { json, table, jsonPlain, malformed });
        });

        it("lists the policy as not evaluated with cause secret and exits 3, never 0", () => {
            assert.strictEqual(runs.json.status, 3, runs.json.stderr);
            const result = JSON.parse(runs.json.stdout);
            assert.deepStrictEqual(result.violations, []);
            assert.deepStrictEqual(
                result.notEvaluated.map((n: any) => [n.policyName, n.enforcementLevel, n.cause]),
                [["no-world-open-database-ingress", "mandatory", "secret"]],
            );
            assert.strictEqual(runs.table.status, 3);
            assert.match(
                runs.table.stdout,
                /not evaluated \(secret, mandatory\): no-world-open-database-ingress on urn:pulumi:prod::egress-remediation::aws:ec2\/securityGroup:SecurityGroup::nerava-rds-sg: value at \.ingress\.1\.cidrBlocks\.0 is a secret/,
            );
        });

        it("never prints a plaintext secret, in JSON, in the table, or in a JSON syntax error", () => {
            for (const run of [runs.json, runs.table, runs.jsonPlain, runs.malformed])
                assert.ok(!`${run.stdout}${run.stderr}`.includes(CANARY), run.stdout + run.stderr);
            assert.strictEqual(runs.malformed.status, 2);
            assert.match(runs.malformed.stderr, /is not valid JSON: /);
        });
    });

    describe("npm run plan with secure: values in the stack file", () => {
        const CIPHER = "v1:c2VjcmV0LWNpcGhlcnRleHQ=:czNjcjN0LUNBTkFSWQ==";
        let run: ToolResult;
        before(async function () {
            // Whole Node processes (or the whole program under mocks): allow for a loaded machine.
            this.timeout(180_000);
            // What `pulumi config set --secret --path ecs.worker.env.API_TOKEN …` writes.
            const dir = prodProjectWith((config) => (config["egress-remediation:ecs"].worker.env = { API_TOKEN: { secure: CIPHER } }));
            run = await runCliInProcess(["plan", "--stack", "prod", "--json"], { cwd: dir });
        });

        it("refuses the key with one line per problem, naming where the secret goes, and prints no ciphertext", () => {
            assert.strictEqual(run.status, 2, run.stdout);
            assert.strictEqual(run.stdout, "");
            assert.match(
                run.stderr,
                /^egress-remediation:ecs holds a value set with --secret, where no secret belongs: reference its Secrets Manager or SSM ARN under ecs\.api\.secrets or ecs\.worker\.secrets, or put it in secretValues \(pulumi config set --secret --path 'secretValues\.NAME' …\) and reference it as secretValues\.NAME there; then set the key again without --secret$/m,
            );
            assert.ok(!run.stderr.includes(CIPHER));
        });
    });
});
