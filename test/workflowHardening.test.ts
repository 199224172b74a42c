import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Part, PART_VARIABLE, partTargets } from "../config/stages";
import { PROJECT } from "../config/validate";

const ROOT = path.resolve(__dirname, "..");
const WORKFLOW = path.join(ROOT, ".github/workflows/infrastructure.yml");
const ACTION = path.join(ROOT, ".github/actions/setup-aws/action.yml");
const read = (file: string) => fs.readFileSync(file, "utf8");

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
}
interface Job {
    "timeout-minutes"?: number;
    environment?: string;
    permissions?: Record<string, string>;
    steps: Step[];
}
const workflow = parse(read(WORKFLOW)) as { jobs: Record<string, Job>; permissions: Record<string, string> };
const composite = parse(read(ACTION)) as { runs: { steps: Step[] } };

/** A job's steps with the local composite action's steps inlined. */
const stepsOf = (job: Job) => job.steps.flatMap((s) => (s.uses === "./.github/actions/setup-aws" ? composite.runs.steps : [s]));

describe("the user's workflow (.github/workflows/infrastructure.yml), hardened", () => {
    it("pins every action to a full commit SHA, with the tag in a comment", () => {
        for (const file of [WORKFLOW, ACTION]) {
            for (const line of read(file)
                .split("\n")
                .filter((l) => /^\s*(- )?uses:/.test(l))) {
                if (/uses: \.\//.test(line)) continue;
                assert.match(line, /uses: [\w.-]+\/[\w.-]+(\/[\w.-]+)*@[0-9a-f]{40} # v\d+(\.\d+){0,2}$/, `${path.basename(file)}: ${line.trim()}`);
            }
        }
    });

    it("bounds every job's time and persists no git credentials", () => {
        for (const [name, job] of Object.entries(workflow.jobs)) {
            assert.ok(Number.isInteger(job["timeout-minutes"]) && job["timeout-minutes"]! <= 60, `${name}: timeout-minutes`);
            for (const step of job.steps.filter((s) => s.uses?.startsWith("actions/checkout@"))) {
                assert.strictEqual(step.with?.["persist-credentials"], false, `${name}: persist-credentials`);
            }
        }
        assert.deepStrictEqual(workflow.permissions, { contents: "read" });
    });

    it("runs no install script in a job that can mint an OIDC token", () => {
        const credentialed = Object.entries(workflow.jobs).filter(([, job]) => job.permissions?.["id-token"] === "write");
        assert.deepStrictEqual(credentialed.map(([name]) => name).sort(), ["preview", "up"]);
        for (const [name, job] of credentialed) {
            const installs = stepsOf(job).filter((s) => /\bnpm (ci|install|i)\b/.test(s.run ?? ""));
            assert.ok(installs.length > 0, `${name} installs the project`);
            for (const step of installs) assert.match(step.run!, /--ignore-scripts/, `${name}: ${step.run}`);
        }
    });

    it("previews with the read-only role outside any environment, and deploys with the deploy role only in production", () => {
        const { preview, up } = workflow.jobs;
        assert.strictEqual(preview.environment, undefined, "an environment would change the OIDC subject from pull_request");
        assert.strictEqual(up.environment, "production");
        const roles = (job: Job) => job.steps.find((s) => s.uses === "./.github/actions/setup-aws")?.with;
        assert.deepStrictEqual(roles(preview), {
            "apprunner-role-arn": "${{ vars.AWS_PREVIEW_ROLE_ARN }}",
            "ecs-role-arn": "${{ vars.AWS_ECS_PREVIEW_ROLE_ARN }}",
        });
        assert.deepStrictEqual(roles(up), { "apprunner-role-arn": "${{ vars.AWS_DEPLOY_ROLE_ARN }}", "ecs-role-arn": "${{ vars.AWS_ECS_DEPLOY_ROLE_ARN }}" });
        assert.ok(!JSON.stringify(preview).includes("secrets."), "no secret reaches a pull request");
        const pulumiUp = up.steps.find((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.strictEqual(pulumiUp?.with?.upsert, true, "the first run creates the stack");
    });

    it("updates one part at a time, each targeted at exactly that part's resources, with the reviewed exemptions", () => {
        const { preview, up } = workflow.jobs as Record<string, Job & { strategy?: any }>;
        const include = up.strategy.matrix.include as { part: Part; targets: string }[];
        assert.deepStrictEqual(
            include.map((entry) => entry.part),
            ["appRunner", "ecs"],
        );
        for (const entry of include) assert.deepStrictEqual(entry.targets.trim().split("\n"), partTargets(PROJECT, "prod", entry.part), entry.part);
        assert.strictEqual(up.strategy["fail-fast"], false, "one part's failure must not cancel the other's update");
        const pulumiUp = up.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        assert.strictEqual(pulumiUp.with?.target, "${{ matrix.targets }}");
        assert.strictEqual((pulumiUp as Step & { env?: Record<string, string> }).env?.[PART_VARIABLE], "${{ matrix.part }}");
        for (const job of [preview, up])
            assert.strictEqual(job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))?.with?.policyPackConfigs, "policies/exemptions.json");
    });
});
