/**
 * Edits one command's answer from moto before the code under test sees it, for the fields moto does not
 * model: each use says what AWS returns there and moto does not. Every other call reaches moto as is.
 * Returns the function that takes the edit away again.
 */
export function amend<I, O>(
    client: { prototype: { send: (...args: never[]) => Promise<unknown> } },
    command: abstract new (...args: never[]) => { readonly input: I },
    edit: (output: O | undefined, input: I, error?: unknown) => O,
): () => void {
    const prototype = client.prototype as unknown as { send: (command: unknown, ...rest: unknown[]) => Promise<unknown> };
    const own = Object.prototype.hasOwnProperty.call(prototype, "send");
    const original = prototype.send;
    prototype.send = async function (this: unknown, sent: unknown, ...rest: unknown[]) {
        if (!(sent instanceof command)) return original.call(this, sent, ...rest);
        try {
            return edit((await original.call(this, sent, ...rest)) as O, sent.input);
        } catch (error) {
            return edit(undefined, sent.input, error);
        }
    };
    return () => {
        if (own) prototype.send = original;
        else delete (prototype as { send?: unknown }).send;
    };
}
