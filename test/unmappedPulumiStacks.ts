/**
 * ts-node maps every stack trace through source maps. @pulumi/pulumi takes a whole stack for each
 * promise it makes (kept only to name a leaked promise at exit) and for each resource (its source
 * position, which mocks ignore): about 2,500 mapped stacks per run of the program, which made each
 * in-process plan about 2.5 times slower. Those two keep V8's own format, cut to their first frames;
 * every other stack, such as a failing test's, is still mapped to the TypeScript line in full.
 */
const mapped = Error.prepareStackTrace;
const UNMAPPED_CALLERS = new Set(["debuggablePromise", "callsites"]);
/** Enough to name where the promise was made; formatting all ten frames was a third of a plan's time. */
const UNMAPPED_FRAMES = 4;

if (mapped) {
    Error.prepareStackTrace = (error, frames) =>
        UNMAPPED_CALLERS.has(frames[0]?.getFunctionName() ?? "")
            ? `${String(error)}\n${frames
                  .slice(0, UNMAPPED_FRAMES)
                  .map((frame) => `    at ${String(frame)}`)
                  .join("\n")}`
            : mapped(error, frames);
}
