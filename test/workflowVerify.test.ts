import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..");
const read = (file: string) => fs.readFileSync(path.join(ROOT, ".github/workflows", file), "utf8");

interface Step {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
    "continue-on-error"?: boolean;
}
interface Job {
    environment?: string;
    permissions?: Record<string, string>;
    "timeout-minutes"?: number;
    steps: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    concurrency: { group: string };
    permissions: Record<string, string>;
    jobs: Record<string, Job>;
}

const infrastructure = parse(read("infrastructure.yml")) as Workflow;
const drift = parse(read("drift.yml")) as Workflow;

describe("verify in the workflows: after each part's update, and daily with a refreshing preview", () => {
    it("runs verify for the matrix's part right after its pulumi up, failing the job when a check fails", () => {
        const steps = infrastructure.jobs.up.steps;
        const up = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up");
        const next = steps[up + 1];
        assert.ok(up >= 0 && next, "a step follows pulumi up");
        assert.strictEqual(next.run, 'npm run verify -- --stack prod --part "$PART"');
        assert.deepStrictEqual(next.env, { PART: "${{ matrix.part }}" });
        assert.strictEqual(next["continue-on-error"], undefined);
        assert.strictEqual(next.if, undefined);
    });

    it("schedules the drift job daily (and on demand) in its own workflow and concurrency group, never on pushes or pull requests", () => {
        assert.deepStrictEqual(Object.keys(drift.on).sort(), ["schedule", "workflow_dispatch"]);
        const [{ cron }] = drift.on.schedule as { cron: string }[];
        assert.match(cron, /^\d{1,2} \d{1,2} \* \* \*$/, "once a day");
        assert.notStrictEqual(drift.concurrency.group, infrastructure.concurrency.group);
        assert.deepStrictEqual(drift.permissions, { contents: "read" });
    });

    it("uses the read-only preview role outside any environment, no secret, and reports both verify and the preview", () => {
        const job = drift.jobs.drift;
        assert.strictEqual(job.environment, undefined, "the preview role trusts ref:refs/heads/main outside environments");
        assert.deepStrictEqual(job.permissions, { contents: "read", "id-token": "write" });
        assert.ok(Number.isInteger(job["timeout-minutes"]) && job["timeout-minutes"]! <= 60);
        assert.ok(!JSON.stringify(job).includes("secrets."));
        const setup = job.steps.find((s) => s.uses === "./.github/actions/setup-aws");
        assert.deepStrictEqual(setup?.with, {
            "apprunner-role-arn": "${{ vars.AWS_PREVIEW_ROLE_ARN }}",
            "ecs-role-arn": "${{ vars.AWS_ECS_PREVIEW_ROLE_ARN }}",
        });
        const checkout = job.steps.find((s) => s.uses?.startsWith("actions/checkout@"));
        assert.strictEqual(checkout?.with?.["persist-credentials"], false);
        const verify = job.steps.findIndex((s) => s.run === "npm run verify -- --stack prod");
        const preview = job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
        assert.ok(verify > job.steps.indexOf(setup!) && preview > verify, "credentials, then verify, then the preview");
        assert.strictEqual(
            job.steps[preview].if,
            `\${{ success() || steps.${job.steps[verify].id} == 'failure' }}`.replace(`steps.${job.steps[verify].id}`, `steps.${job.steps[verify].id}.outcome`),
        );
        assert.deepStrictEqual(
            { ...job.steps[preview].with },
            {
                command: "preview",
                "stack-name": "prod",
                "pulumi-version": "3.248.0",
                "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
                policyPacks: "policies",
                policyPackConfigs: "policies/exemptions.json",
                refresh: true,
                "expect-no-changes": true,
                diff: true,
            },
        );
    });

    it("pins the same action commits as infrastructure.yml", () => {
        const pins = (text: string) =>
            new Map([...text.matchAll(/uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v[\d.]+)/g)].map((m) => [m[1], `${m[2]} ${m[3]}`]));
        const ours = pins(read("drift.yml"));
        const theirs = pins(read("infrastructure.yml"));
        assert.deepStrictEqual([...ours.keys()].sort(), ["actions/checkout", "pulumi/actions"]);
        for (const [action, pin] of ours) assert.strictEqual(pin, theirs.get(action), action);
        assert.strictEqual((read("drift.yml").match(/uses: /g) ?? []).length, ours.size + 1, "every other uses: is the local setup-aws action");
    });
});
