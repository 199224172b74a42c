import * as path from "path";
import { parseArgs } from "util";
import { fail } from "./cli";
import { ROOT } from "./offline/stackFiles";
import { AutomationStack } from "./rollback/automationStack";
import { RollbackRefused } from "./rollback/planRollback";
import { runRollback } from "./rollback/runRollback";

const USAGE = "usage: npm run rollback -- --stack <name> [--to <update version>] [--yes]";

async function main(): Promise<void> {
    let values;
    try {
        ({ values } = parseArgs({ options: { stack: { type: "string" }, to: { type: "string" }, yes: { type: "boolean", default: false } } }));
    } catch (error) {
        return fail(`${(error as Error).message.split("\n")[0]} ${USAGE}`);
    }
    if (!values.stack) return fail(`--stack is required. ${USAGE}`);
    if (values.to !== undefined && !/^[1-9]\d*$/.test(values.to))
        return fail(`--to must be an update version (a whole number ≥ 1); got ${JSON.stringify(values.to)}`);

    let stack;
    try {
        stack = await AutomationStack.select(values.stack, ROOT);
    } catch (error) {
        const message = String((error as Error).message);
        if (/ENOENT|not found|could not find/i.test(message) && /pulumi/i.test(message)) {
            return fail(
                "rollback needs the Pulumi CLI on PATH (it drives `pulumi stack history`, `preview` and `up`); install it, run `pulumi login`, and retry",
            );
        }
        return fail(`cannot select stack ${values.stack}: ${message.split("\n")[0]}`);
    }
    try {
        await runRollback(stack, {
            to: values.to ? Number(values.to) : undefined,
            yes: values.yes!,
            policyPack: path.join(ROOT, "policies"),
            print: (line) => console.log(line),
        });
    } catch (error) {
        if (error instanceof RollbackRefused) return fail(`rollback refused: ${error.message}`);
        return fail(String((error as Error).message).split("\n")[0], 1);
    }
}

void main();
