/** Raised at the next step boundary after SIGINT or SIGTERM; the caller cleans up and exits 128 + signal. */
export class Interrupted extends Error {
    constructor(readonly signal: NodeJS.Signals) {
        super(`interrupted by ${signal}`);
    }

    get exitCode(): number {
        return this.signal === "SIGINT" ? 130 : 143;
    }
}

/**
 * Turns SIGINT and SIGTERM into a clean stop instead of Node's immediate exit, which would skip the
 * cleanup that removes the temporary worktree. A running `pulumi` hears about it through `signal`:
 * the Automation API sends it one SIGINT, which the CLI treats as "cancel at a safe point".
 *
 * While `pulumi up` runs, a SIGINT is not forwarded: a Ctrl-C at the terminal reaches every process
 * of the foreground group, the CLI included, and a second SIGINT makes the CLI stop at once,
 * possibly leaving pending operations. SIGTERM (a CI runner cancelling the job, `kill`) is sent
 * to this process alone, so it is forwarded.
 */
export class Interrupts {
    private controller = new AbortController();
    private received?: NodeJS.Signals;
    private guardingUp = false;
    private readonly handler = (signal: NodeJS.Signals) => this.onSignal(signal);

    constructor(private readonly print: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {}

    install(): this {
        process.on("SIGINT", this.handler);
        process.on("SIGTERM", this.handler);
        return this;
    }

    uninstall(): void {
        process.off("SIGINT", this.handler);
        process.off("SIGTERM", this.handler);
    }

    get signal(): AbortSignal {
        return this.controller.signal;
    }

    /** Throws `Interrupted` if a signal arrived: call between steps. */
    check(): void {
        if (this.received) throw new Interrupted(this.received);
    }

    get interruption(): Interrupted | undefined {
        return this.received ? new Interrupted(this.received) : undefined;
    }

    /** Runs `up` with the forwarding rule above. */
    async duringUp<T>(run: () => Promise<T>): Promise<T> {
        this.guardingUp = true;
        try {
            return await run();
        } finally {
            this.guardingUp = false;
        }
    }

    private onSignal(signal: NodeJS.Signals): void {
        const first = !this.received;
        this.received ??= signal;
        if (this.guardingUp && signal === "SIGINT") {
            if (first) this.print("Interrupt received while pulumi up runs: the CLI got the same Ctrl-C and stops at a safe point; waiting for it.");
            return;
        }
        if (first) this.print(`${signal} received: stopping and removing the temporary worktree.`);
        this.controller.abort();
    }
}
