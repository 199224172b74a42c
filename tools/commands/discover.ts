import { Command } from "commander";
import { exitCodesHelp } from "./usage";

interface DiscoverCommandOptions {
    readonly stack: string;
    readonly write?: boolean;
    readonly terraformState?: string;
}

export function discoverCommand(): Command {
    return new Command("discover")
        .summary("read the live accounts (read-only) and propose the stack file's unconfirmed values")
        .description(
            "Reads both accounts through the program's provider settings (region, profile, assumed role, allowed account ids) with " +
                "read-only calls, checks the NAT subnet, the connector subnets' routes and the world-open rules on the way, and prints a " +
                "diff of Pulumi.<stack>.yaml saying where each value came from. --write applies it, keeping comments and order.",
        )
        .usage("--stack <name> [--write] [--terraform-state <state.json>]")
        .requiredOption("-s, --stack <name>", "stack whose Pulumi.<name>.yaml to fill in")
        .option("--write", "apply the diff to the stack file (refused while a check fails)")
        .option("--terraform-state <file>", "Terraform state (format 4): list what this stack adopts that Terraform also manages")
        .addHelpText(
            "after",
            exitCodesHelp(
                [
                    "0  done",
                    "1  a check failed (nothing written)",
                    "2  bad usage or input, no credentials, wrong account or a denied action (one line on stderr)",
                ],
                ["egress-remediation discover --stack prod", "egress-remediation discover --stack prod --write --terraform-state terraform.tfstate"],
            ),
        )
        .action(async (options: DiscoverCommandOptions) => {
            const { runDiscover } = await import("../discover/run");
            process.exitCode = await runDiscover({ stack: options.stack, write: options.write === true, terraformState: options.terraformState });
        });
}
