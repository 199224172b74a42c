import { Command } from "commander";
import * as fs from "fs";
import * as path from "path";
import type { StageWalkResult } from "../engine/stageWalk";
import { stop } from "../cli";
import { exitCodesHelp } from "./usage";

interface RehearseOptions {
    readonly stack: string;
    readonly cli?: string;
    readonly account?: string;
    readonly set: string[];
    readonly unset: string[];
    readonly keep?: boolean;
    readonly stages?: boolean;
    readonly json?: boolean;
    readonly out?: string;
}

function parseSetting(setting: string): [string, string] {
    const at = setting.indexOf("=");
    if (at <= 0) return stop(`--set ${setting}: expected <config-path>=<value>, e.g. --set egress-remediation:ecs.vpcId=vpc-0123`);
    const key = setting.slice(0, at);
    if (/(^|:)secretValues(\.|\[|$)/.test(key)) {
        // Named without its value: a command line is readable by every process on the machine.
        return stop(`--set ${key}: secret values never go on a command line; the rehearsal gives every secretValues key of the stack file a placeholder`);
    }
    return [setting.slice(0, at), setting.slice(at + 1)];
}

/** The documented shape of `rehearse --stages --json`: per stage its changes, then what the account holds. */
export function stagesReport(walk: StageWalkResult): object {
    return {
        stages: walk.stages.map(({ part, stage, changes, secondPreviewChanges }) => ({ part, stage, changes, secondPreviewChanges })),
        account: { worldOpenDatabaseRules: walk.account.worldOpenDatabaseRules, egressProblems: walk.account.egressProblems },
        // Whole: its first line names the step, the next ones the error.
        ...(walk.failure ? { failure: walk.failure } : {}),
    };
}

const collect = (value: string, previous: string[]) => [...previous, value];

async function rehearse(options: RehearseOptions): Promise<number> {
    const { locateCli, NoCliError } = await import("../engine/locateCli");
    const { runRehearsal } = await import("../engine/rehearsal");
    // The options first, before the CLI is looked for and the signal handlers go in: a refused --set
    // or --out must neither wait for a CLI nor leave handlers behind.
    const settings = options.set.map(parseSetting);
    if ((options.json || options.out) && !options.stages) return stop("--json and --out report the stages: use them with --stages");
    // Checked before a walk of minutes, not after it.
    if (options.out && !fs.existsSync(path.dirname(path.resolve(options.out))))
        return stop(`--out ${options.out}: the folder ${path.dirname(path.resolve(options.out))} does not exist`);
    let cliDir: string;
    try {
        cliDir = locateCli(options.cli);
    } catch (error) {
        if (error instanceof NoCliError) return stop(error.message);
        throw error;
    }
    const { Interrupts } = await import("../rollback/interrupts");
    const interrupts = new Interrupts(() => undefined).install();
    const rehearsal = runRehearsal({
        stack: options.stack,
        cliDir,
        accountFile: options.account,
        set: settings,
        unset: options.unset,
        keep: options.keep,
        stages: options.stages,
        signal: interrupts.signal,
        log: (line) => process.stderr.write(`${line}\n`),
    });
    const result = await rehearsal
        .catch((error: unknown) => (interrupts.interruption ? undefined : Promise.reject(error)))
        .finally(() => interrupts.uninstall());
    const interruption = interrupts.interruption;
    if (interruption || !result) {
        process.stderr.write(`rehearsal interrupted by ${interruption!.signal}; its sandbox was ${options.keep ? "kept" : "removed"}\n`);
        return interruption!.exitCode;
    }
    if (result.sandboxRoot) process.stderr.write(`kept the sandbox at ${result.sandboxRoot}\n`);
    if (result.walk) {
        const report = stagesReport(result.walk);
        if (options.out) fs.writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
        if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    }
    return result.ok ? 0 : 1;
}

export function rehearseCommand(): Command {
    return new Command("rehearse")
        .summary("rehearse the first `pulumi up` with the real CLI against a simulated copy of the accounts")
        .description(
            "Runs the real Pulumi CLI with this program, Pulumi.<stack>.yaml and the policy pack against a simulated copy of the " +
                "accounts the incident notes describe (docs/incident.md; not AWS): preview, up, then a preview that must show no changes, in a throw-away backend.",
        )
        .usage("[--stack <name>] [--stages [--json] [--out <file>]] [--cli <folder>] [--account <file>] [--set <path>=<value>]... [--unset <path>]... [--keep]")
        .option("-s, --stack <name>", "the stack whose config to rehearse", "prod")
        .option("--cli <folder>", "folder with pulumi and pulumi-language-nodejs (default: the PATH, then `npm run engine:build`'s cache)")
        .option("--account <file>", "start from this simulated account file instead of the recorded one")
        .option("--set <path=value>", "set a config value in the rehearsal only (repeatable)", collect, [])
        .option("--unset <path>", "remove a config value in the rehearsal only (repeatable)", collect, [])
        .option("--stages", "run every stage from the stack's current ones to harden, each part targeted: preview, up, second preview")
        .option("--json", "with --stages: print the stages' changes as JSON on stdout (the log stays on stderr)")
        .option("--out <file>", "with --stages: write the same JSON to this file")
        .option("--keep", "keep the sandbox (project copy, backend, account file) for inspection")
        .addHelpText(
            "after",
            exitCodesHelp(
                [
                    "0  preview, up and the second preview passed in the simulation",
                    "1  a step failed (its output says why)",
                    "2  bad usage or no Pulumi CLI found",
                ],
                [
                    "egress-remediation rehearse --stack prod --set egress-remediation:ecs.vpcId=vpc-0123 --unset egress-remediation:unverified",
                    "egress-remediation rehearse --stack prod --stages --out stages.json --unset egress-remediation:unverified",
                ],
            ),
        )
        .action(async (options: RehearseOptions) => {
            process.exitCode = await rehearse(options);
        });
}
