import { ContainerInspect, EngineApi } from "./engineApi";

/** What a failing container test prints: enough to see why without a shell on the engine's host. */

const LOG_LINES = 30;

function indent(text: string): string {
    return text.trimEnd().split("\n").map((l) => `    ${l}`).join("\n");
}

/** State, health, the last healthcheck outputs (State.Health.Log) and the last 30 log lines of a container. */
export async function describeContainer(api: EngineApi, id: string, name: string): Promise<string> {
    let inspect: ContainerInspect;
    try {
        inspect = await api.inspectContainer(id);
    } catch (error) {
        return `container ${name} (${id.slice(0, 12)}): cannot be inspected: ${(error as Error).message}`;
    }
    const s = inspect.State;
    const lines = [
        `container ${name} (${id.slice(0, 12)}), image ${inspect.Image.slice(0, 19)}`,
        `  state: ${s.Status}, exit code ${s.ExitCode}${s.Error ? `, error "${s.Error}"` : ""}${s.OOMKilled ? ", OOM-killed" : ""}, restarts ${inspect.RestartCount}, started ${s.StartedAt}, finished ${s.FinishedAt}`,
    ];
    if (s.Health) {
        lines.push(`  health: ${s.Health.Status}, failing streak ${s.Health.FailingStreak}`, "  last healthchecks:");
        for (const check of (s.Health.Log ?? []).slice(-5)) lines.push(`    [${check.End}] exit ${check.ExitCode}:`, indent(indent(check.Output || "(no output)")));
    } else {
        lines.push("  health: no healthcheck");
    }
    const logs = await api.logs(id, { tail: LOG_LINES, tty: inspect.Config.Tty }).then((l) => l.combined.toString("utf8")).catch((e: Error) => `(logs unavailable: ${e.message})`);
    lines.push(`  last ${LOG_LINES} log lines:`, logs.trim() ? indent(logs) : "    (none)");
    return lines.join("\n");
}

/**
 * Polls until the container reports healthy. Fails at the deadline, or at once when it has no healthcheck or has
 * stopped with no restart to come, with describeContainer's text.
 */
export async function waitHealthy(api: EngineApi, id: string, name: string, timeoutMs: number): Promise<ContainerInspect> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const inspect = await api.inspectContainer(id);
        const health = inspect.State.Health;
        if (health?.Status === "healthy") return inspect;
        const policy = (inspect.HostConfig.RestartPolicy as { Name?: string } | undefined)?.Name ?? "no";
        const stopped = !inspect.State.Running && inspect.State.Status !== "restarting" && (policy === "no" || policy === "" || inspect.State.Status === "created");
        const reason = !health ? "has no healthcheck" : stopped ? `is ${inspect.State.Status} and will not restart` : Date.now() >= deadline ? `did not become healthy within ${Math.round(timeoutMs / 1000)} s` : undefined;
        if (reason) throw new Error(`container ${name} ${reason}\n${await describeContainer(api, id, name)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
}
