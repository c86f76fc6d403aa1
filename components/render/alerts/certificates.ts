import { PROBE_ENDPOINT_LABEL, SCRAPE_JOB_NAMES } from "../prometheus";
import type { AlertContext, AlertGroupDefinition } from "./types";

/** Public certificates as the blackbox probes see them through the edge. */
export function certificateAlerts({ thresholds: t }: AlertContext): AlertGroupDefinition {
    const remaining = `probe_ssl_earliest_cert_expiry{job="${SCRAPE_JOB_NAMES.blackbox}"} - time()`;
    const service = "edge";
    return {
        name: "certificates",
        rules: [
            {
                alert: "SSLCertificateExpiring",
                expr: `${remaining} < ${t.certificateExpiryCriticalDays} * 86400`,
                for: "10m",
                severity: "critical",
                service,
                summary: "A public TLS certificate expires within days",
                description: `The certificate served for {{ $labels.${PROBE_ENDPOINT_LABEL} }} ({{ $labels.instance }}) expires in {{ $value | humanizeDuration }} (critical below ${t.certificateExpiryCriticalDays} days); renewal has failed.`,
            },
            {
                alert: "CertificateExpiringSoon",
                expr: `${remaining} < ${t.certificateExpiryWarningDays} * 86400`,
                for: "1h",
                severity: "warning",
                service,
                summary: "A public TLS certificate is due for renewal",
                description: `The certificate served for {{ $labels.${PROBE_ENDPOINT_LABEL} }} ({{ $labels.instance }}) expires in {{ $value | humanizeDuration }} (warning below ${t.certificateExpiryWarningDays} days); automatic renewal should already have replaced it.`,
            },
        ],
    };
}
