import { stringify } from "yaml";
import { BLACKBOX_MODULES } from "../workloads/catalogue";

/**
 * blackbox_exporter modules for the public-endpoint probes: `http_2xx` for open endpoints, `http_401` for those
 * behind basic auth (a 401 still proves TLS, routing and the certificate). Without a domain the edge serves an
 * internal-CA certificate, so the probes trust that CA; with one, the public roots.
 */
export function renderBlackboxConfig(input: { readonly caFile?: string }): string {
    const tls = input.caFile ? { tls_config: { ca_file: input.caFile } } : {};
    const http = (validStatusCodes: number[]) => ({
        prober: "http",
        timeout: "10s",
        http: {
            preferred_ip_protocol: "ip4",
            fail_if_not_ssl: true,
            follow_redirects: false,
            ...(validStatusCodes.length ? { valid_status_codes: validStatusCodes } : {}),
            ...tls,
        },
    });
    return stringify({ modules: { [BLACKBOX_MODULES.http2xx]: http([]), [BLACKBOX_MODULES.http401]: http([401]) } });
}
