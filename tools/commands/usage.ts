import { Command, CommanderError } from "commander";
import { UsageError } from "../cli";

/** The `Exit codes:` and `Example:` sections every command's --help ends with. */
export function exitCodesHelp(codes: readonly string[], examples: readonly string[]): string {
    return ["", "Exit codes:", ...codes.map((c) => `  ${c}`), "", "Example:", ...examples.map((e) => `  ${e}`)].join("\n");
}

/** Exit codes of the commands that end in a policy verdict (plan, check); `badInput` names what exit 2 covers. */
export function policyVerdictCodes(badInput: string): string[] {
    return [
        "0  no mandatory policy violation",
        "1  mandatory policy violations",
        `2  ${badInput} (one line on stderr)`,
        "3  no violation found, but a mandatory policy met a secret value it cannot read offline: not a pass",
    ];
}

function usageLine(command: Command): string {
    const names: string[] = [];
    for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
    return `usage: ${names.join(" ")} ${command.usage()}`;
}

/** Commander's message on one line: `error: unknown option '--stak' (Did you mean --stack?)`. */
function oneLine(message: string): string {
    return message
        .trim()
        .split("\n")
        .map((part) => part.trim())
        .filter(Boolean)
        .join(" ");
}

/**
 * Makes commander throw instead of exiting, and remembers which command failed, so `run` can print
 * the error on one line and that command's usage on the next, and exit 2 (commander's default is 1).
 */
export function throwingUsageErrors(program: Command): () => Command | undefined {
    let failed: Command | undefined;
    const visit = (command: Command) => {
        command.exitOverride();
        command.configureOutput({
            outputError: () => {
                failed = command;
            },
        });
        command.commands.forEach(visit);
    };
    visit(program);
    return () => failed;
}

/** Commands of the Pulumi CLI someone may type here: this tool plans offline; the engine changes AWS. */
const ENGINE_COMMANDS = new Set(["preview", "up", "destroy", "refresh", "import"]);

/**
 * `npm run plan --stack prod` without `--`: npm takes `--stack` for its own config (and exports it as
 * `npm_config_stack`), so only `prod` reaches the tool. Names of this tool's options that are not npm's.
 */
const OPTIONS_NPM_TAKES = [
    "stack",
    "against",
    "part",
    "to",
    "state",
    "write",
    "set",
    "unset",
    "stages",
    "terraform-state",
    "policy-config",
    "cli",
    "account",
    "keep",
    "backup-dir",
    "out",
];

/** The line that explains a usage problem better than commander can, or undefined. */
export function habitHint(argv: readonly string[], environment: NodeJS.ProcessEnv): string | undefined {
    if (environment.npm_lifecycle_event) {
        const taken = OPTIONS_NPM_TAKES.filter((name) => environment[`npm_config_${name.replace(/-/g, "_")}`] !== undefined);
        if (taken.length > 0) {
            const flags = taken.map((name) => `--${name}`).join(", ");
            return `npm took ${flags} for itself: put -- before the tool's options, e.g. npm run ${environment.npm_lifecycle_event} -- ${taken.map((name) => `--${name} …`).join(" ")}`;
        }
    }
    const [first] = argv;
    if (first && ENGINE_COMMANDS.has(first))
        return `unknown command '${first}': did you mean \`plan\` (this tool's offline plan) or \`pulumi ${first}\` (the Pulumi CLI; see docs/stages.md for the targets and policy pack it needs)?`;
    return undefined;
}

/** Runs the program; every error ends as one line on stderr (usage errors add the usage) and an exit code. */
export async function run(program: Command, argv: readonly string[]): Promise<void> {
    const hint = habitHint(argv, process.env);
    if (hint) {
        process.stderr.write(`${hint}\n`);
        process.exitCode = 2;
        return;
    }
    const failedCommand = throwingUsageErrors(program);
    try {
        await program.parseAsync(argv, { from: "user" });
    } catch (error) {
        if (error instanceof CommanderError) {
            if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") {
                process.exitCode = 0;
                return;
            }
            const command = failedCommand() ?? program;
            process.stderr.write(`${oneLine(error.message)}\n${usageLine(command)}\n`);
            process.exitCode = 2;
            return;
        }
        if (error instanceof UsageError) {
            process.stderr.write(`${error.message}\n`);
            process.exitCode = error.code;
            return;
        }
        process.stderr.write(`${program.name()} failed: ${oneLine(String((error as Error)?.message ?? error)).slice(0, 500)}\n`);
        process.exitCode = 2;
    }
}
