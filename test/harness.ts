import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../config/validate";
import { lookupsFromConfig, RecordingMocks } from "../tools/offline/mocks";
import { ProgramRun, runProgram } from "../tools/offline/runProgram";
import { projectConfig, stackFileConfig } from "./fixtures";

/** Resolves an Output in an async test; an assert inside `.apply` would go unreported. */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** The resources an Output depends on (what the engine records as its dependencies). */
export async function dependenciesOf(output: pulumi.Output<unknown>): Promise<pulumi.Resource[]> {
    return [...(await (output as unknown as { resources(): Promise<Set<pulumi.Resource>> }).resources())];
}

/** Constructs components under fresh mocks and waits until every registration is recorded. */
export async function underMocks<T>(build: () => T): Promise<{ mocks: RecordingMocks; built: T }> {
    const mocks = new RecordingMocks(
        lookupsFromConfig({
            ecs: { account: { id: "905418046272", region: "eu-central-1" } },
            appRunner: { account: { id: "566287346479", region: "us-east-1" } },
        }),
    );
    pulumi.runtime.setAllConfig({});
    await pulumi.runtime.setMocks(mocks, PROJECT, "test", true);
    mocks.recordOptions();
    const built = build();
    await pulumi.runtime.disconnect();
    return { mocks, built };
}

/** Runs the whole program with a committed stack file, after `edit` changes its config. */
export async function runStack(stack: string, edit: (config: Record<string, any>) => void = () => undefined, preview = true): Promise<ProgramRun> {
    const config = stackFileConfig(stack);
    edit(config);
    return runProgram(config, { stack, lookups: lookupsFromConfig(projectConfig(config)), preview });
}
