import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../config/validate";
import { LookupAnswers, RecordingMocks } from "./mocks";

/** The program beside this module: index.ts from source, out/index.js when compiled. */
export const PROGRAM = path.resolve(__dirname, "../../index");

export interface ProgramRun {
    readonly mocks: RecordingMocks;
    /** Child name → parent name, as registered (the stack itself has no entry). */
    readonly parents: ReadonlyMap<string, string>;
    /** Names of resources registered with `protect`. */
    readonly protectedNames: ReadonlySet<string>;
    readonly stack: string;
    /** The root stack resource's name, `<project>-<stack>`. */
    readonly stackName: string;
    /** What the program logged (`pulumi.log.warn`/`error`), e.g. `warning: placeholder values …`, in order. */
    readonly diagnostics: string[];
    /** The stack outputs' names, in the order the program exports them. */
    readonly outputNames: string[];
}

/**
 * Without an engine, `pulumi.log` writes `warning: [runtime] …` to the console. Collect those lines
 * instead, so a caller says each once, in its own place (the plan's Diagnostics section).
 */
async function collectingDiagnostics<T>(run: () => Promise<T>): Promise<{ result: T; diagnostics: string[] }> {
    const diagnostics: string[] = [];
    const { warn, error } = console;
    const collect =
        (original: typeof console.warn) =>
        (first?: unknown, ...rest: unknown[]) => {
            const match = typeof first === "string" ? /^(warning|error): \[runtime\] (.*)$/s.exec(first) : null;
            if (match && rest.length === 0) diagnostics.push(`${match[1]}: ${match[2]}`);
            else original(first, ...rest);
        };
    console.warn = collect(warn);
    console.error = collect(error);
    try {
        return { result: await run(), diagnostics };
    } finally {
        console.warn = warn;
        console.error = error;
    }
}

/**
 * Runs the real program under Pulumi's mocks with the given config, inside a root stack as
 * `pulumi preview` would, and returns every registration once all have reached the mocks.
 * `config` maps full keys (`egress-remediation:appRunner`, `aws:region`) to values.
 */
export async function runProgram(
    config: Record<string, unknown>,
    options: { stack: string; lookups: LookupAnswers; secretKeys?: string[]; /** false runs it as `pulumi up` would. @default true */ preview?: boolean },
): Promise<ProgramRun> {
    const mocks = new RecordingMocks(options.lookups);
    const serialized = Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]));
    pulumi.runtime.setAllConfig(serialized, options.secretKeys);
    await pulumi.runtime.setMocks(mocks, PROJECT, options.stack, options.preview ?? true);
    mocks.recordOptions();

    const parents = new Map<string, string>();
    const protectedNames = new Set<string>();
    delete require.cache[require.resolve(PROGRAM)];
    let outputNames: string[] = [];
    const { diagnostics } = await collectingDiagnostics(async () => {
        await pulumi.runtime.runInPulumiStack(async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                const parent = args.opts.parent as unknown as { __name?: string } | undefined;
                if (parent?.__name && args.type !== "pulumi:pulumi:Stack") parents.set(args.name, parent.__name);
                if ((args.opts as pulumi.CustomResourceOptions).protect) protectedNames.add(args.name);
                return undefined;
            });
            // The program ends in `export =`: its module object is the outputs.
            const outputs = (await import(PROGRAM)).default as Record<string, unknown>;
            outputNames = Object.keys(outputs);
            return outputs;
        });
        await pulumi.runtime.disconnect();
    });
    return { mocks, parents, protectedNames, stack: options.stack, stackName: `${PROJECT}-${options.stack}`, diagnostics, outputNames };
}
