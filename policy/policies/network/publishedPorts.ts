import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf } from "../../lib/config";
import { onContainers, publishedPorts } from "../../lib/docker";

/**
 * Ports of the stack's data and internal services. They are reached over the internal networks only; publishing one
 * on the host bypasses the edge (and its TLS and headers). Kept in step with the program's catalogue by a test.
 */
export const DEFAULT_DATA_PORTS: readonly number[] = [5432, 6379, 9090, 9093, 4317, 4318, 3000, 16686, 9187, 9121, 9100, 9115];

/** Forbids publishing a data or internal service port on the host. */
export const disallowPublishedDataPorts: ResourceValidationPolicy = {
    name: "disallow-published-data-ports",
    description: "No data or internal port (PostgreSQL, Redis, Prometheus, Alertmanager, OTLP, Grafana, Jaeger, exporters) is published on the host, and nothing uses `publishAllPorts`.",
    remediationSteps: "Remove the `ports` entry; services reach each other over the stack networks, people reach them through the edge.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { dataPorts: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, default: [...DEFAULT_DATA_PORTS] } } },
    validateResource: onContainers((c, args, report) => {
        const { dataPorts } = configOf(args, { dataPorts: [...DEFAULT_DATA_PORTS] });
        if (c.publishAllPorts === true) report("`publishAllPorts` publishes every exposed port on the host.");
        for (const port of publishedPorts(c)) {
            if (dataPorts.includes(port.internal) || (port.external !== undefined && dataPorts.includes(port.external))) {
                report(`Port ${port.internal} is published on the host as ${port.ip ?? "0.0.0.0"}:${port.external ?? "(random)"}.`);
            }
        }
    }),
};

const WILDCARD_ADDRESSES = ["0.0.0.0", "::", "[::]"];

/** Requires every published port to name its host address; wildcard binds only for the public web ports. */
export const requireExplicitBindAddress: ResourceValidationPolicy = {
    name: "require-explicit-bind-address",
    description: "Every published port names the host address it binds; all interfaces (0.0.0.0, ::) only for the public web ports.",
    remediationSteps: "Set `ports[].ip` (e.g. `127.0.0.1`, or the host's public address); bind 0.0.0.0 only for ports listed in `wildcardPorts`.",
    enforcementLevel: "mandatory",
    configSchema: { properties: { wildcardPorts: { type: "array", items: { type: "integer", minimum: 1, maximum: 65535 }, default: [80, 443] } } },
    validateResource: onContainers((c, args, report) => {
        const { wildcardPorts } = configOf(args, { wildcardPorts: [80, 443] });
        for (const port of publishedPorts(c)) {
            if (port.ip === undefined || port.ip.trim() === "") {
                report(`Port ${port.internal} is published without \`ip\`, which Docker binds on every interface.`);
            } else if (WILDCARD_ADDRESSES.includes(port.ip) && !(port.external !== undefined && wildcardPorts.includes(port.external))) {
                report(`Port ${port.external ?? port.internal} is bound on all interfaces (${port.ip}); only ${wildcardPorts.join(", ")} may be.`);
            }
        }
    }),
};
