/**
 * @pulumi/pulumi takes a stack for each promise it makes (kept only to name a leaked promise at exit)
 * and for each resource (its source position, which mocks ignore): about 2,500 stacks per run of the
 * program. ts-node maps every stack through source maps, which made each in-process plan about 2.5
 * times slower, and capturing a promise's ten frames with their async callers cost a fifth of the rest.
 * So those stacks keep V8's own format, cut to their first frames, and a promise's is captured only that
 * deep. Every other stack, such as a failing test's, is still mapped to the TypeScript line in full.
 */
const mapped = Error.prepareStackTrace;
const UNMAPPED_CALLERS = new Set(["debuggablePromise", "callsites"]);
/** Enough to name where the promise was made; formatting all ten frames was a third of a plan's time. */
const UNMAPPED_FRAMES = 4;

if (mapped) {
    Error.prepareStackTrace = (error, frames) =>
        UNMAPPED_CALLERS.has(frames[0]?.getFunctionName() ?? "")
            ? `${String(error)}\n${frames
                  .filter((frame) => frame.getFunctionName() !== debuggablePromiseWithShallowStack.name)
                  .slice(0, UNMAPPED_FRAMES)
                  .map((frame) => `    at ${String(frame)}`)
                  .join("\n")}`
            : mapped(error, frames);
}

// The SDK's modules call it through this exports object, so they all get the wrapper.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable: { debuggablePromise: (...args: unknown[]) => unknown } = require("@pulumi/pulumi/runtime/debuggable");
const debuggablePromise = debuggable.debuggablePromise;
function debuggablePromiseWithShallowStack(...args: unknown[]): unknown {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = UNMAPPED_FRAMES + 1; // and this wrapper's own frame
    try {
        return debuggablePromise(...args);
    } finally {
        Error.stackTraceLimit = limit;
    }
}
debuggable.debuggablePromise = debuggablePromiseWithShallowStack;
