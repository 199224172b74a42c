import { parseArgs } from "util";
import { fail, loadPolicyConfig, readJsonFile } from "./cli";
import { diffPlans } from "./offline/diffPlans";
import { mandatoryCount } from "./offline/evaluatePolicies";
import { buildPlan, PlanConfigError, PlanDocument } from "./offline/planDocument";
import { renderChanges, renderPlan } from "./offline/renderPlan";
import { StackFileError } from "./offline/stackFiles";

const USAGE = "usage: npm run plan -- [--stack prod] [--json] [--against <previous plan .json>] [--policy-config <file>]";

function previousPlan(path: string): PlanDocument {
    const doc = readJsonFile(path, "previous plan") as Partial<PlanDocument> | null;
    if (!doc || !Array.isArray(doc.resources) || doc.resources.some((r) => typeof r?.urn !== "string" || typeof r?.inputs !== "object")) {
        fail(`--against ${path}: not a plan from \`npm run plan -- --json\` (needs resources[] with urn and inputs)`);
    }
    return doc as PlanDocument;
}

async function main(): Promise<void> {
    let parsed;
    try {
        parsed = parseArgs({
            options: {
                stack: { type: "string", default: "prod" },
                json: { type: "boolean", default: false },
                against: { type: "string" },
                "policy-config": { type: "string" },
            },
            allowPositionals: false,
        });
    } catch (error) {
        return fail(`${(error as Error).message.split("\n")[0]} ${USAGE}`);
    }
    const { values } = parsed;
    const packConfig = loadPolicyConfig(values["policy-config"]);
    const before = values.against ? previousPlan(values.against) : undefined;

    let plan;
    try {
        plan = await buildPlan(values.stack!, packConfig);
    } catch (error) {
        if (error instanceof PlanConfigError) return fail(error.problems.join("\n"));
        if (error instanceof StackFileError) return fail(error.message);
        throw error;
    }

    if (values.json) {
        process.stdout.write(JSON.stringify(plan.document) + "\n");
    } else {
        process.stdout.write(renderPlan(plan, packConfig) + "\n");
        if (before) process.stdout.write(`\nAgainst ${values.against}:\n${renderChanges(diffPlans(before.resources, plan.document.resources))}\n`);
    }
    process.exitCode = mandatoryCount(plan.evaluation) > 0 ? 1 : 0;
}

main().catch((error) => fail(`offline plan failed: ${(error as Error).message.split("\n")[0]}`, 2));
