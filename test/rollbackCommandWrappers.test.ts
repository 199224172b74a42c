import * as assert from "assert";
import { installDependencies, MissingTool, openStack } from "../tools/rollback/command";
import { RollbackRefused } from "../tools/rollback/planRollback";
import { OpenStack, StackOperations } from "../tools/rollback/stackOperations";

/** What rollbackCommand wraps around the Automation API and npm, with fakes in their place: no CLI or npm process. */
describe("rollback command wrappers (in-process)", () => {
    describe("openStack", () => {
        const failing =
            (message: string): OpenStack =>
            async () => {
                throw new Error(message);
            };

        it("opens the stack on the worktree with the stack name it was given", async () => {
            const opened = { stackName: "org/egress-remediation/prod" } as StackOperations;
            const seen: string[][] = [];
            const stack = await openStack("prod", "/tmp/pulumi-rollback-x/egress-remediation", async (name, dir) => {
                seen.push([name, dir]);
                return opened;
            });
            assert.strictEqual(stack, opened);
            assert.deepStrictEqual(seen, [["prod", "/tmp/pulumi-rollback-x/egress-remediation"]]);
        });

        it("a CLI that is not installed becomes the one line that says to install it", async () => {
            for (const message of ["spawn pulumi ENOENT", "pulumi: command not found", "Could not find the pulumi CLI on PATH"]) {
                await assert.rejects(openStack("prod", "/w", failing(message)), (error: Error) => {
                    assert.ok(error instanceof MissingTool, message);
                    assert.match(error.message, /^rollback needs the Pulumi CLI on PATH .*install it, run `pulumi login`, and retry$/);
                    return true;
                });
            }
        });

        it("a stack the CLI cannot select is refused with the CLI's first error line, even when it says 'not found'", async () => {
            const message =
                "code: 255\n stdout: \n stderr: warning: A new version of Pulumi is available.\nerror: no stack named 'prod' found\n\n err?: Error: Command failed with exit code 255: pulumi stack select --stack prod";
            await assert.rejects(openStack("prod", "/w", failing(message)), (error: Error) => {
                assert.ok(error instanceof RollbackRefused);
                assert.strictEqual(error.message, "cannot select stack prod: error: no stack named 'prod' found");
                return true;
            });
        });

        it("an error without any line naming an error is refused with its first line", async () => {
            const message =
                "Minimum version requirement failed. The minimum CLI version requirement is 3.202.0, your current CLI version is 3.100.0. Please update the Pulumi CLI.\nsee https://www.pulumi.com/docs/install/";
            await assert.rejects(openStack("prod", "/w", failing(message)), (error: Error) => {
                assert.ok(error instanceof RollbackRefused);
                assert.strictEqual(
                    error.message,
                    "cannot select stack prod: Minimum version requirement failed. The minimum CLI version requirement is 3.202.0, your current CLI version is 3.100.0. Please update the Pulumi CLI.",
                );
                return true;
            });
        });
    });

    describe("installDependencies", () => {
        it("runs `npm ci` in the worktree without lifecycle scripts, audit or funding notes, with room for a long log", async () => {
            const calls: unknown[][] = [];
            await installDependencies("/tmp/pulumi-rollback-x/egress-remediation", async (...call) => {
                calls.push(call);
                return { stdout: "", stderr: "" };
            });
            assert.deepStrictEqual(calls, [
                [
                    "npm",
                    ["ci", "--no-audit", "--no-fund", "--ignore-scripts"],
                    { cwd: "/tmp/pulumi-rollback-x/egress-remediation", maxBuffer: 64 * 1024 * 1024 },
                ],
            ]);
        });

        it("fails when npm fails", async () => {
            const failure = Object.assign(new Error("Command failed: npm ci"), { stderr: "npm ERR! code EUSAGE" });
            await assert.rejects(
                installDependencies("/w", async () => {
                    throw failure;
                }),
                (error) => error === failure,
            );
        });
    });
});
