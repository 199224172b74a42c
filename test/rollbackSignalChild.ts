// Run by rollbackSignals.test.ts as its own process: a rollback of the repository in argv[2] against
// a fake stack that blocks in argv[3] ("preview", "up" or "up-cli") until the test signals it.
import { rollbackCommand } from "../tools/rollback/command";
import { FakeStack, stackFileConfigOf, updateRecord } from "./fakeStack";
import { stackFile } from "./rollbackRepo";

async function main(): Promise<void> {
    const [repo, block, good, bad] = process.argv.slice(2);
    const stack = new FakeStack([
        updateRecord(3, { commit: bad, result: "failed", config: stackFileConfigOf(stackFile("app:v20")) }),
        updateRecord(2, { commit: good, config: stackFileConfigOf(stackFile("app:v19")) }),
    ]);
    stack.block = block as FakeStack["block"];
    process.exitCode = await rollbackCommand({ stack: "prod", yes: block !== "preview" }, repo, stack.open);
}

void main();
