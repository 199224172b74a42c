import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PART_VARIABLE } from "../../config/stages";
import { promisify } from "util";
import { GitError } from "./git";
import { Interrupted, Interrupts } from "./interrupts";
import { RollbackArgs, UsageError, validateArgs } from "./options";
import { RollbackRefused } from "./planRollback";
import { RollbackFailed, runRollback } from "./runRollback";
import { runStateRestore } from "./stateRestore";
import { OpenStack, StackOperations } from "./stackOperations";

/** A tool the rollback drives is not installed: said as is, without "refused". */
export class MissingTool extends Error {}

const NO_CLI =
    "rollback needs the Pulumi CLI on PATH (it drives `pulumi stack history`, `preview`, `up` and `stack import`); install it, run `pulumi login`, and retry";

/** AutomationStack.open, loaded when a rollback opens a stack: the Automation API loads most of @pulumi/pulumi (about 1 s). */
const openAutomationStack: OpenStack = async (stackName, workDir) => (await import("./automationStack")).AutomationStack.open(stackName, workDir);

/**
 * Opens the real stack; a missing CLI becomes one line instead of execa's wall of text. `select` opens it
 * (the Automation API by default); tests pass a failing one to check the lines without a CLI process.
 */
export const openStack = async (stackName: string, workDir: string, select: OpenStack = openAutomationStack): Promise<StackOperations> => {
    try {
        return await select(stackName, workDir);
    } catch (error) {
        const message = String((error as Error).message);
        if (/ENOENT|not found|could not find/i.test(message) && /pulumi/i.test(message) && !/no stack named/i.test(message)) throw new MissingTool(NO_CLI);
        throw new RollbackRefused(`cannot select stack ${stackName}: ${message.split("\n").find((l) => /error/i.test(l)) ?? message.split("\n")[0]}`);
    }
};

/** Runs a command to its end (promisified execFile; tests pass a fake, so no npm process starts). */
type RunCommand = (file: string, args: string[], options: { cwd: string; maxBuffer: number }) => Promise<unknown>;

/** `npm ci` in the worktree, without lifecycle scripts; its log can pass execFile's 1 MiB default. */
export const installDependencies = async (dir: string, run: RunCommand = promisify(execFile)) => {
    await run("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
};

/**
 * Runs a rollback for `args` in the project at `projectDir` and returns the exit code: 0 done or
 * previewed, 1 an operation failed, 2 bad usage or refused, 130/143 interrupted. The report goes
 * to stdout, the one-line reason for a non-zero exit to stderr.
 */
export async function rollbackCommand(args: RollbackArgs, projectDir: string, open: OpenStack = openStack): Promise<number> {
    const print = (line: string) => process.stdout.write(`${line}\n`);
    const interrupts = new Interrupts().install();
    try {
        validateArgs(args);
        if (args.state !== undefined) {
            await runStateRestore(
                { stack: args.stack, version: args.state, yes: args.yes, projectDir, backupDir: path.resolve(args.backupDir ?? "."), print },
                { open, interrupts },
            );
        } else {
            const policyPack = path.join(projectDir, "policies");
            const exemptions = path.join(policyPack, "exemptions.json");
            const policyPackConfig = fs.existsSync(exemptions) ? exemptions : undefined;
            // The program reads the part from its environment, which the CLI the Automation API starts inherits.
            const previousPart = process.env[PART_VARIABLE];
            if (args.part) process.env[PART_VARIABLE] = args.part;
            try {
                await runRollback(
                    { stack: args.stack, to: args.to, yes: args.yes, write: args.write, projectDir, policyPack, policyPackConfig, part: args.part, print },
                    { open, install: installDependencies, interrupts },
                );
            } finally {
                if (previousPart === undefined) delete process.env[PART_VARIABLE];
                else process.env[PART_VARIABLE] = previousPart;
            }
        }
        return interrupts.interruption?.exitCode ?? 0;
    } catch (error) {
        const interruption = interrupts.interruption;
        if (error instanceof Interrupted || interruption) {
            const signal = (interruption ?? (error as Interrupted)).signal;
            // What the aborted CLI printed on its way out ("context canceled" and the like) is not a cause.
            process.stderr.write(
                error instanceof RollbackFailed
                    ? `${error.message}\n`
                    : `rollback interrupted by ${signal} before anything was changed; the stack, your checkout and its stack file are as they were\n`,
            );
            return (interruption ?? (error as Interrupted)).exitCode;
        }
        if (error instanceof MissingTool || (error instanceof GitError && /needs git on PATH/.test(error.message))) {
            process.stderr.write(`${error.message}\n`);
            return 2;
        }
        if (error instanceof RollbackRefused || error instanceof GitError || error instanceof UsageError) {
            process.stderr.write(`rollback refused: ${(error as Error).message}\n`);
            return 2;
        }
        if (error instanceof RollbackFailed) process.stderr.write(`${error.message}\n`);
        else process.stderr.write(`rollback failed: ${String((error as Error)?.message ?? error).split("\n")[0]}\n`);
        return 1;
    } finally {
        interrupts.uninstall();
    }
}
