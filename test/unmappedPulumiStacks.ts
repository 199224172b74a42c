/**
 * @pulumi/pulumi takes a stack for each resource (its source position, which mocks ignore) and for each
 * promise it makes: about 2,500 stacks per run of the program, and ts-node maps every stack through
 * source maps. Mapped, they made each in-process plan about 2.5 times slower. So in tests:
 * - a resource's stack keeps V8's own format, cut to its first frames;
 * - a promise's is captured with no frames: the SDK reads it only to print a leaked promise's stack under
 *   PULUMI_DEBUG_PROMISE_LEAKS, and then it is taken as usual.
 * Every other stack, such as a failing test's, is still mapped to the TypeScript line in full.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable: { debuggablePromise: (...args: unknown[]) => unknown; debugPromiseLeaks: boolean } = require("@pulumi/pulumi/runtime/debuggable");

const mapped = Error.prepareStackTrace;
/** Enough to name the caller; formatting all ten frames was a third of a plan's time. */
const UNMAPPED_FRAMES = 4;

if (mapped) {
    Error.prepareStackTrace = (error, frames) =>
        frames[0]?.getFunctionName() === "callsites"
            ? `${String(error)}\n${frames
                  .slice(0, UNMAPPED_FRAMES)
                  .map((frame) => `    at ${String(frame)}`)
                  .join("\n")}`
            : mapped(error, frames);
}

if (!debuggable.debugPromiseLeaks) {
    // The SDK's modules call it through this exports object, so they all get the wrapper.
    const debuggablePromise = debuggable.debuggablePromise;
    debuggable.debuggablePromise = (...args: unknown[]) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return debuggablePromise(...args);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
}
