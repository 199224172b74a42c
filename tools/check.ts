import { parseArgs } from "util";
import { fail, loadPolicyConfig, readJsonFile } from "./cli";
import { evaluatePolicies, mandatoryCount } from "./offline/evaluatePolicies";
import { InputError, resourcesFromDocument } from "./offline/readResources";
import { violationTable } from "./offline/violationTable";

const USAGE = "usage: npm run check -- [--json] [--policy-config <file>] <stack-export.json | preview.json | plan.json>";

function main(): void {
    let parsed;
    try {
        parsed = parseArgs({ options: { json: { type: "boolean", default: false }, "policy-config": { type: "string" } }, allowPositionals: true });
    } catch (error) {
        return fail(`${(error as Error).message.split("\n")[0]} ${USAGE}`);
    }
    const { values, positionals } = parsed;
    if (positionals.length !== 1) return fail(`expected exactly one input file; got ${positionals.length}. ${USAGE}`);

    const packConfig = loadPolicyConfig(values["policy-config"]);
    let resources;
    try {
        resources = resourcesFromDocument(readJsonFile(positionals[0], "input"));
    } catch (error) {
        if (error instanceof InputError) return fail(`${positionals[0]}: ${error.message}`);
        throw error;
    }
    const evaluation = evaluatePolicies(resources, packConfig);

    if (values.json) {
        process.stdout.write(JSON.stringify({ resourcesChecked: evaluation.resourcesChecked, violations: evaluation.violations }) + "\n");
    } else {
        process.stdout.write(`Checked ${evaluation.resourcesChecked} resources against the egress-remediation-guard policies (offline).\n`);
        process.stdout.write(violationTable(evaluation.violations) + "\n");
        for (const skipped of evaluation.notEvaluated)
            process.stdout.write(`not evaluated: ${skipped.policyName} on ${skipped.urn || "the stack"}: ${skipped.reason}\n`);
    }
    process.exitCode = mandatoryCount(evaluation) > 0 ? 1 : 0;
}

try {
    main();
} catch (error) {
    fail(`check failed: ${String((error as Error).message).split("\n")[0]}`);
}
