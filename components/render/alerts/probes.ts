import { PROBE_ENDPOINT_LABEL, SCRAPE_JOB_NAMES } from "../prometheus";
import type { AlertContext, AlertGroupDefinition } from "./types";

/** Public endpoints as users reach them: through the edge, by their public hostnames. */
export function probeAlerts(_context: AlertContext): AlertGroupDefinition {
    return {
        name: "probes",
        rules: [
            {
                alert: "PublicEndpointDown",
                expr: `probe_success{job="${SCRAPE_JOB_NAMES.blackbox}"} == 0`,
                for: "5m",
                severity: "warning",
                service: "edge",
                summary: "A public endpoint fails its probe",
                description: `The probe of {{ $labels.${PROBE_ENDPOINT_LABEL} }} at {{ $labels.instance }} has failed for 5 minutes (probe_success = {{ $value }}): the edge, its certificate or the service behind it is broken.`,
            },
        ],
    };
}
