/**
 * @pulumi/pulumi takes a stack for each resource (its source position, which mocks ignore) and for each
 * promise it makes: about 2,500 stacks per run of the program, about 110,000 per run of the suite. ts-node
 * maps every stack through source maps, which made each in-process plan about 2.5 times slower. So in tests:
 * - a resource's stack keeps V8's own format, cut to its first frames;
 * - a promise's is captured with no frames: the SDK reads it only to print a leaked promise's stack under
 *   PULUMI_DEBUG_PROMISE_LEAKS, and then it is taken as usual.
 * Every other stack, such as a failing test's, is still mapped to the TypeScript line in full.
 */
const mapped = Error.prepareStackTrace;
/** Enough to name the caller, at a fraction of the cost of formatting all ten frames. */
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

let promiseStacksShallow = false;

/** Wraps the SDK's debuggablePromise, which its modules call through this exports object. */
function capturePromiseStacksWithoutFrames(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable: { debuggablePromise: (...args: unknown[]) => unknown; debugPromiseLeaks: boolean } = require("@pulumi/pulumi/runtime/debuggable");
    if (debuggable.debugPromiseLeaks) return;
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

/**
 * A root hook, so mocha's main process, which runs no test in a parallel run, does not load the SDK to
 * wrap it. The SDK looks the function up at each call, so wrapping it before the first test is enough.
 */
export const mochaHooks = {
    beforeAll(): void {
        if (promiseStacksShallow) return;
        promiseStacksShallow = true;
        capturePromiseStacksWithoutFrames();
    },
};
