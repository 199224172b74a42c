import { Command } from "commander";
import { stop, loadPolicyConfig, readJsonFile, writeJsonFile } from "../cli";
import { exitCodesHelp, policyVerdictCodes } from "./usage";

interface CheckOptions {
    readonly json?: boolean;
    readonly out?: string;
    readonly policyConfig?: string;
}

async function check(file: string, options: CheckOptions): Promise<number> {
    (await import("../offline/deferUnusedModules")).deferUnusedModules();
    const { evaluatePolicies, exitCodeOf } = await import("../offline/evaluatePolicies");
    const { InputError, resourcesFromDocument } = await import("../offline/readResources");
    const { violationTable } = await import("../offline/violationTable");

    const packConfig = loadPolicyConfig(options.policyConfig);
    let resources;
    try {
        resources = resourcesFromDocument(readJsonFile(file, "input"));
    } catch (error) {
        if (error instanceof InputError) return stop(`input ${file}: ${error.message}`);
        throw error;
    }
    const evaluation = evaluatePolicies(resources, packConfig);
    const result = { resourcesChecked: evaluation.resourcesChecked, violations: evaluation.violations, notEvaluated: evaluation.notEvaluated };

    if (options.out) writeJsonFile(options.out, result);
    if (options.json) {
        process.stdout.write(JSON.stringify(result) + "\n");
    } else {
        process.stdout.write(`Checked ${evaluation.resourcesChecked} resources against the egress-remediation-guard policies (offline).\n`);
        process.stdout.write(violationTable(evaluation.violations) + "\n");
        for (const skipped of evaluation.notEvaluated)
            process.stdout.write(
                `not evaluated (${skipped.cause}, ${skipped.enforcementLevel}): ${skipped.policyName} on ${skipped.urn || "the stack"}: ${skipped.reason}\n`,
            );
    }
    return exitCodeOf(evaluation);
}

export function checkCommand(): Command {
    return new Command("check")
        .summary("evaluate the policy pack on a stack export, a preview --json or a plan")
        .description(
            "Evaluates every policy of the pack on a `pulumi stack export`, a `pulumi preview --json` or a plan written by " +
                "`egress-remediation plan --out`. UTF-8 (with or without BOM) and UTF-16 files are read.",
        )
        .usage("[--json] [--out <file>] [--policy-config <file>] <file>")
        .argument("<file>", "stack export, preview --json or plan JSON")
        .option("--json", 'print {"resourcesChecked", "violations", "notEvaluated"} on stdout instead of the table')
        .option("--out <file>", "also write that JSON to <file>")
        .option("--policy-config <file>", "policy settings, as passed to `pulumi preview --policy-pack-config`")
        .addHelpText(
            "after",
            exitCodesHelp(policyVerdictCodes("bad usage, unreadable input or policy config"), [
                "pulumi stack export --stack prod --file stack.json",
                "egress-remediation check stack.json",
            ]),
        )
        .action(async (file: string, options: CheckOptions) => {
            process.exitCode = await check(file, options);
        });
}
