import { fail } from "./cli";
import { projectRoot } from "./offline/stackFiles";
import { rollbackCommand } from "./rollback/command";
import { parseRollbackArgs, UsageError } from "./rollback/options";

async function main(): Promise<void> {
    let args;
    try {
        args = parseRollbackArgs(process.argv.slice(2));
    } catch (error) {
        if (error instanceof UsageError) return fail(error.message);
        throw error;
    }
    process.exitCode = await rollbackCommand(args, projectRoot());
}

void main();
