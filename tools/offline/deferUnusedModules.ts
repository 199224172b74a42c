import Module from "module";

/**
 * Modules @pulumi/pulumi requires as it starts, for closure serialization and code-path discovery
 * (`pulumi.runtime.serializeFunction`, function-serialized resources): about 0.6 s of a 2 s offline
 * plan on this machine. The plan and the checker run the program under mocks and never call either.
 */
export const DEFERRED_MODULES: readonly string[] = ["typescript", "@npmcli/arborist"];

type Load = (request: string, parent: NodeModule | undefined, isMain: boolean) => unknown;
const loader = Module as unknown as { _load: Load; _resolveFilename: (request: string, parent: NodeModule | undefined, isMain: boolean) => string };

/** Whether the module can be found at all: if not, the real require must throw now (the caller may fall back). */
function resolvable(request: string, parent: NodeModule | undefined, isMain: boolean): boolean {
    try {
        loader._resolveFilename(request, parent, isMain);
        return true;
    } catch {
        return false;
    }
}
let installed = false;

/**
 * From now on, a require of a deferred module returns a stand-in that loads the real module the first
 * time anything reads it, so code that does use it still works, only later. Call it before
 * @pulumi/pulumi loads; modules already loaded are not affected.
 */
export function deferUnusedModules(modules: readonly string[] = DEFERRED_MODULES): void {
    if (installed) return;
    installed = true;
    const deferred = new Set(modules);
    const load = loader._load;
    loader._load = function (request, parent, isMain) {
        if (!deferred.has(request) || !resolvable(request, parent, isMain)) return load.call(this, request, parent, isMain);
        let real: object | undefined;
        const target = () => (real ??= load.call(this, request, parent, isMain) as object);
        return new Proxy(
            {},
            {
                // TypeScript's __importStar copies every key of a CommonJS module at once; as an ES module
                // the stand-in is used as is, and stays lazy.
                get: (_, key) => (key === "__esModule" ? true : Reflect.get(target(), key)),
                has: (_, key) => Reflect.has(target(), key),
                ownKeys: () => Reflect.ownKeys(target()),
                getOwnPropertyDescriptor: (_, key) => {
                    const descriptor = Reflect.getOwnPropertyDescriptor(target(), key);
                    // A proxy may not report a non-configurable property its own (empty) target lacks.
                    return descriptor && { ...descriptor, configurable: true };
                },
            },
        );
    };
}
