import { Command } from "commander";
import { checkCommand } from "./commands/check";
import { discoverCommand } from "./commands/discover";
import { planCommand } from "./commands/plan";
import { rehearseCommand } from "./commands/rehearse";
import { rollbackCommand } from "./commands/rollback";
import { verifyCommand } from "./commands/verify";
import { exitCodesHelp } from "./commands/usage";
import { packageVersion } from "./version";

/** The one command-line tool: `egress-remediation <command>`; `npm run <command>` are aliases. */
export function program(): Command {
    return new Command("egress-remediation")
        .description(
            "Offline plan and policy check, rollback, discover and rehearse for the egress-remediation Pulumi stacks (App Runner NAT egress, ECS sandbox-broker). Changes reach AWS only through the Pulumi CLI (pulumi preview/up, docs/stages.md).",
        )
        .version(packageVersion(), "-V, --version", "print the version")
        .helpOption("-h, --help", "show help (also: <command> --help)")
        .helpCommand("help [command]", "show help for a command")
        .addCommand(planCommand())
        .addCommand(checkCommand())
        .addCommand(rollbackCommand())
        .addCommand(rehearseCommand())
        .addCommand(discoverCommand())
        .addCommand(verifyCommand())
        .addHelpText(
            "after",
            exitCodesHelp(
                [
                    "0  success",
                    "1  mandatory policy violations (plan, check), a failed rollback or a failed check (discover, verify)",
                    "2  bad usage or input (one line on stderr)",
                    "3  plan, check: no violation found, but a mandatory policy met a secret it cannot read offline (not a pass)",
                ],
                ["egress-remediation plan --stack prod", "egress-remediation check --json stack.json", "egress-remediation rollback --stack prod"],
            ),
        );
}
