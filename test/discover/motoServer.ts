import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

const REPO = path.resolve(__dirname, "../..");
export const MOTO_SERVER = path.join(REPO, ".venv-moto", "bin", "moto_server");

export interface Moto {
    readonly endpoint: string;
    stop(): Promise<void>;
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

async function waitUntilUp(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${log().slice(-500)}`);
        try {
            const response = await fetch(`${endpoint}/moto-api/data.json`);
            if (response.ok) return;
        } catch {
            // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`moto_server did not answer on ${endpoint} within 30 s: ${log().slice(-500)}`);
}

/**
 * Starts moto in server mode on 127.0.0.1 and a free port. Fails, never skips, when moto is
 * not installed: the discover suite exists to run against it.
 */
export async function startMoto(env: Record<string, string> = {}): Promise<Moto> {
    if (!fs.existsSync(MOTO_SERVER)) {
        throw new Error(
            `moto is not installed (${path.relative(REPO, MOTO_SERVER)} is missing): run tools/setup-moto.sh, which creates .venv-moto/ with the pinned moto[server]`,
        );
    }
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    let output = "";
    const child = spawn(MOTO_SERVER, ["-H", "127.0.0.1", "-p", String(port)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (c) => (output = (output + c).slice(-4000)));
    child.stderr?.on("data", (c) => (output = (output + c).slice(-4000)));
    try {
        await waitUntilUp(endpoint, child, () => output);
    } catch (error) {
        child.kill("SIGKILL");
        throw error;
    }
    return {
        endpoint,
        stop: () =>
            new Promise<void>((resolve) => {
                if (child.exitCode !== null) return resolve();
                child.once("exit", () => resolve());
                child.kill("SIGTERM");
            }),
    };
}

/** Turns moto's IAM enforcement on (every later request is checked against IAM policies) or off. */
export async function enforceIam(endpoint: string, on: boolean): Promise<void> {
    const response = await fetch(`${endpoint}/moto-api/reset-auth`, { method: "POST", body: on ? "0" : "inf" });
    if (!response.ok) throw new Error(`moto reset-auth answered ${response.status}`);
}
