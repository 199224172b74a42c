import { parseArgs } from "util";
import { fail } from "./cli";
import { locateCli, NoCliError } from "./engine/locateCli";
import { runRehearsal } from "./engine/rehearsal";

const USAGE =
    "usage: npm run rehearse -- [--stack prod] [--cli <folder>] [--account <account.json>] [--set <config-path>=<value> ...] [--unset <config-path> ...] [--keep]";

function parseSetting(setting: string): [string, string] {
    const at = setting.indexOf("=");
    if (at <= 0) return fail(`--set ${setting}: expected <config-path>=<value>, e.g. --set egress-remediation:ecs.vpcId=vpc-0123`);
    return [setting.slice(0, at), setting.slice(at + 1)];
}

async function main(): Promise<void> {
    let parsed;
    try {
        parsed = parseArgs({
            options: {
                stack: { type: "string", default: "prod" },
                cli: { type: "string" },
                account: { type: "string" },
                set: { type: "string", multiple: true },
                unset: { type: "string", multiple: true },
                keep: { type: "boolean", default: false },
            },
        });
    } catch (error) {
        return fail(`${(error as Error).message.split("\n")[0]}\n${USAGE}`);
    }
    const { values } = parsed;
    let cliDir: string;
    try {
        cliDir = locateCli(values.cli);
    } catch (error) {
        if (error instanceof NoCliError) return fail(error.message);
        throw error;
    }
    const result = await runRehearsal({
        stack: values.stack!,
        cliDir,
        accountFile: values.account,
        set: (values.set ?? []).map(parseSetting),
        unset: values.unset ?? [],
        keep: values.keep,
        log: (line) => process.stderr.write(`${line}\n`),
    });
    if (result.sandboxRoot) process.stderr.write(`kept the sandbox at ${result.sandboxRoot}\n`);
    process.exitCode = result.ok ? 0 : 1;
}

main().catch((error: Error) => fail(`rehearse failed: ${error.message.split("\n")[0]}`));
