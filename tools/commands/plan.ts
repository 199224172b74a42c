import { Command, Option } from "commander";
import { stop, loadPolicyConfig, readJsonFile, writeJsonFile } from "../cli";
import type { PlanDocument } from "../offline/planDocument";
import { exitCodesHelp, policyVerdictCodes } from "./usage";

interface PlanOptions {
    readonly stack: string;
    readonly json?: boolean;
    readonly out?: string;
    readonly against?: string;
    readonly policyConfig?: string;
}

function previousPlan(file: string): PlanDocument {
    const doc = readJsonFile(file, "--against") as Partial<PlanDocument> | null;
    if (!doc || !Array.isArray(doc.resources) || doc.resources.some((r) => typeof r?.urn !== "string" || typeof r?.inputs !== "object")) {
        stop(`--against ${file}: not a plan written by \`egress-remediation plan --out\` (needs resources[] with urn and inputs)`);
    }
    return doc as PlanDocument;
}

async function plan(options: PlanOptions): Promise<number> {
    // Loaded here, not at the top, so `--help` and usage errors answer without loading Pulumi (~1 s).
    (await import("../offline/deferUnusedModules")).deferUnusedModules();
    const { buildPlan, PlanConfigError } = await import("../offline/planDocument");
    const { StackFileError } = await import("../offline/stackFiles");
    const { diffPlans } = await import("../offline/diffPlans");
    const { exitCodeOf } = await import("../offline/evaluatePolicies");
    const { renderPlan } = await import("../offline/renderPlan");

    const packConfig = loadPolicyConfig(options.policyConfig);
    const before = options.against ? previousPlan(options.against) : undefined;
    let result;
    try {
        result = await buildPlan(options.stack, packConfig);
    } catch (error) {
        if (error instanceof PlanConfigError) return stop(error.problems.join("\n"));
        if (error instanceof StackFileError) return stop(error.message);
        throw error;
    }
    if (options.out) writeJsonFile(options.out, result.document);
    if (options.json) {
        process.stdout.write(JSON.stringify(result.document) + "\n");
        // Data only on stdout; what the program logged (the placeholder list) goes to stderr, once.
        for (const line of result.diagnostics) process.stderr.write(`${line}\n`);
    } else {
        const against = before && options.against ? { file: options.against, changes: diffPlans(before.resources, result.document.resources) } : undefined;
        process.stdout.write(renderPlan(result, packConfig, against) + "\n");
    }
    return exitCodeOf(result.evaluation);
}

export function planCommand(): Command {
    return new Command("plan")
        .summary("offline preview of a stack: resources, policies, egress path, cost")
        .description(
            "Runs the real program under Pulumi's mocks with Pulumi.yaml and Pulumi.<stack>.yaml, prints it as `pulumi preview` would, " +
                "evaluates every policy of the pack and prices what bills by the hour. No Pulumi CLI, no AWS.",
        )
        .usage("[--stack <name>] [--json] [--out <file>] [--against <plan.json>] [--policy-config <file>]")
        .addOption(new Option("-s, --stack <name>", "stack whose Pulumi.<name>.yaml to read").default("prod"))
        .option("--json", "print the plan's JSON on stdout instead of the text")
        .option("--out <file>", "also write the plan's JSON to <file> (for --against and `check`)")
        .option("--against <plan.json>", "show what changed since a plan saved with --out, instead of the whole tree")
        .option("--policy-config <file>", "policy settings, as passed to `pulumi preview --policy-pack-config`")
        .addHelpText(
            "after",
            exitCodesHelp(policyVerdictCodes("bad usage, stack config or input file"), [
                "egress-remediation plan --stack prod --out before.json",
                "# edit Pulumi.prod.yaml, then:",
                "egress-remediation plan --stack prod --against before.json",
            ]),
        )
        .action(async (options: PlanOptions) => {
            process.exitCode = await plan(options);
        });
}
