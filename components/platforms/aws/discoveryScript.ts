import { shellQuote } from "./initScript";

/** What the API discovery sidecar looks up and where it writes Prometheus's targets. */
export interface DiscoveryTarget {
    /** Cloud Map namespace, e.g. `service-stack-production.internal`. */
    readonly namespace: string;
    /** Cloud Map service whose instances (one per task) are scraped. */
    readonly service: string;
    /** Port the scraped tasks serve metrics on. */
    readonly port: number;
    /** The file_sd file Prometheus reads. */
    readonly file: string;
    readonly intervalSeconds: number;
}

/**
 * The JMESPath query the AWS CLI applies to DiscoverInstances: each registered task's address with the port, as
 * Prometheus file_sd targets (`10.50.1.23:8000`). ECS registers an A-record instance with its IPv4 address only.
 */
export function discoveryQuery(port: number): string {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`discoveryQuery: port ${port} is not a TCP port.`);
    return `Instances[].join(':', [Attributes.AWS_INSTANCE_IPV4, '${port}'])`;
}

/**
 * The sidecar's shell loop: ask Cloud Map's API for every registered task of the service (DNS answers at most eight
 * records, one random task per lookup) and replace Prometheus's file_sd file atomically (write, then rename), so
 * Prometheus scrapes each task as its own target. A failed lookup keeps the last file and says so on stderr; the loop
 * never ends on it.
 */
export function renderDiscoveryScript(t: DiscoveryTarget): string {
    if (!/^\/[A-Za-z0-9._/-]+$/.test(t.file)) throw new Error(`renderDiscoveryScript: file "${t.file}" is not an absolute path.`);
    if (!Number.isInteger(t.intervalSeconds) || t.intervalSeconds < 5) throw new Error(`renderDiscoveryScript: interval ${t.intervalSeconds} s is below 5 s.`);
    const lookup = [
        "aws servicediscovery discover-instances",
        `--namespace-name ${shellQuote(t.namespace)}`,
        `--service-name ${shellQuote(t.service)}`,
        "--health-status HEALTHY_OR_ELSE_ALL --max-results 1000",
        `--query ${shellQuote(discoveryQuery(t.port))}`,
        "--output json",
    ].join(" ");
    const file = shellQuote(t.file);
    const temporary = shellQuote(`${t.file}.tmp`);
    return [
        "set -u",
        "while :; do",
        `  if found=$(${lookup}); then`,
        `    printf '[{"targets":%s}]\\n' "$found" > ${temporary} && mv -f ${temporary} ${file}`,
        "  else",
        `    echo ${shellQuote(`${t.service} discovery: Cloud Map lookup failed; Prometheus keeps the last targets`)} >&2`,
        "  fi",
        `  sleep ${t.intervalSeconds}`,
        "done",
        "",
    ].join("\n");
}
