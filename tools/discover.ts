import { parseArgs } from "util";
import { runDiscover } from "./discover/run";

const USAGE = "usage: npm run discover -- --stack <name> [--write] [--terraform-state <state.json>]";

async function main(): Promise<void> {
    let values;
    try {
        ({ values } = parseArgs({
            options: { stack: { type: "string" }, write: { type: "boolean", default: false }, "terraform-state": { type: "string" } },
            allowPositionals: false,
        }));
    } catch (error) {
        process.stderr.write(`${(error as Error).message.split("\n")[0]}\n${USAGE}\n`);
        process.exitCode = 2;
        return;
    }
    if (!values.stack) {
        process.stderr.write(`--stack is required\n${USAGE}\n`);
        process.exitCode = 2;
        return;
    }
    process.exitCode = await runDiscover({ stack: values.stack, write: values.write, terraformState: values["terraform-state"] });
}

void main();
