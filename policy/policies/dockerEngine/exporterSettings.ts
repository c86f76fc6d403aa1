import type { ResourceValidationPolicy } from "@pulumi/policy";
import { envEntries, onContainers } from "../../lib/docker";
import { onTypes } from "../../lib/validations";
import { field, text } from "../../lib/values";

/** redis_exporter's accepted spellings of `REDIS_EXPORTER_TLS_SERVER_MIN_VERSION` (it exits on anything else). */
const REDIS_EXPORTER_TLS_VERSIONS = ["TLS1.0", "TLS1.1", "TLS1.2", "TLS1.3"];
const REDIS_EXPORTER_TLS_ENV = "REDIS_EXPORTER_TLS_SERVER_MIN_VERSION";

function tlsSpellingProblem(value: string, where: string): string | undefined {
    return REDIS_EXPORTER_TLS_VERSIONS.includes(value) ? undefined : `${where}${REDIS_EXPORTER_TLS_ENV} is "${value}": redis_exporter accepts only ${REDIS_EXPORTER_TLS_VERSIONS.join(", ")} and exits on anything else (exporter-toolkit's "TLS13" included).`;
}

/** Requires redis_exporter's minimum TLS version spelled as redis_exporter parses it (`TLS1.3`, not exporter-toolkit's `TLS13`). */
export const requireExporterTlsVersionSpelling: ResourceValidationPolicy = {
    name: "require-exporter-tls-version-spelling",
    description: "redis_exporter's `REDIS_EXPORTER_TLS_SERVER_MIN_VERSION` (Docker env and ECS container environment) is one of `TLS1.0`…`TLS1.3`: redis_exporter exits in a loop on exporter-toolkit's `TLS12`/`TLS13`.",
    remediationSteps: "Render the value with components/render/webConfig.ts `redisExporterTlsVersion`.",
    enforcementLevel: "mandatory",
    validateResource: [
        onContainers((c, _args, report) => {
            for (const e of envEntries(c)) {
                if (e.name !== REDIS_EXPORTER_TLS_ENV || typeof e.value !== "string") continue;
                const problem = tlsSpellingProblem(e.value, "");
                if (problem) report(problem);
            }
        }),
        onTypes<{ containerDefinitions?: unknown }>(["aws:ecs/taskDefinition:TaskDefinition"], (task, _args, report) => {
            const json = text(field(() => task.containerDefinitions));
            if (typeof json !== "string") return;
            let defs: { name?: string; environment?: { name?: string; value?: string }[] }[];
            try {
                defs = JSON.parse(json) as typeof defs;
            } catch {
                return; // disallow-ecs-plaintext-secrets reports unparsable definitions.
            }
            for (const def of Array.isArray(defs) ? defs : []) {
                for (const e of def.environment ?? []) {
                    if (e.name !== REDIS_EXPORTER_TLS_ENV || typeof e.value !== "string") continue;
                    const problem = tlsSpellingProblem(e.value, `Container ${def.name ?? "?"}: `);
                    if (problem) report(problem);
                }
            }
        }),
    ],
};
