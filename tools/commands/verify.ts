import { Command, Option } from "commander";
import { PARTS } from "../../config/stages";
import { exitCodesHelp } from "./usage";

interface VerifyCommandOptions {
    readonly stack: string;
    readonly part?: "appRunner" | "ecs";
    readonly json?: boolean;
}

export function verifyCommand(): Command {
    return new Command("verify")
        .summary("read the live accounts (read-only) and check that AWS runs what the stack claims, per part and stage")
        .description(
            "Run it after every `pulumi up` (CI does, per part) and before the next stage's pull request. With discover's credentials, " +
                "account checks and read-only policy, it checks per part and stage: the connector subnets' route to an available NAT gateway " +
                "in a subnet routed to an internet gateway, holding its Elastic IP (printed: the address for Twilio or any allow-list); the " +
                "App Runner service's latest operation and running configuration; no database port open to the internet on the data " +
                "stores' groups (but the one the adopt stage exempts) and Redis in its group; the ECS services' primary deployments, " +
                "task definitions, counts and image pins. One line per check; a failed one names both values (never a secret's) and " +
                "ends with the AWS CLI command that shows the live value.",
        )
        .usage("--stack <name> [--part appRunner|ecs] [--json]")
        .requiredOption("--stack <name>", "stack whose Pulumi.<name>.yaml says what to expect")
        .addOption(new Option("--part <part>", "verify one part only (CI runs it after that part's update)").choices([...PARTS]))
        .option("--json", 'print {"stack", "ok", "failed", "parts": [{"part", "stage", "account", "checks", "natPublicIps"}]} instead of the text')
        .addHelpText(
            "after",
            exitCodesHelp(
                [
                    "0  every check holds",
                    "1  a check failed (the line says which value differs and how to see it)",
                    "2  bad usage or input, no credentials, wrong account or a denied action (one line on stderr)",
                ],
                ["egress-remediation verify --stack prod", "egress-remediation verify --stack prod --part appRunner --json"],
            ),
        )
        .action(async (options: VerifyCommandOptions) => {
            const { runVerify } = await import("../verify/run");
            process.exitCode = await runVerify({ stack: options.stack, part: options.part, json: options.json === true });
        });
}
