import { stringify } from "yaml";
import type { TlsFiles } from "../workloads/catalogue";
import type { TlsVersion } from "../settings/types";

export interface WebConfigInput {
    /** The server's certificate and key (the CA is not needed: the server does not verify clients). */
    readonly tls: TlsFiles;
    /** Lowest TLS version the server accepts. */
    readonly minVersion: TlsVersion;
    /** User name to bcrypt hash; when given, every request must authenticate. */
    readonly basicAuthUsers?: Readonly<Record<string, string>>;
}

/** exporter-toolkit's name for a TLS version, as `min_version` expects it. */
export function exporterTlsVersion(version: TlsVersion): "TLS12" | "TLS13" {
    return version === "1.3" ? "TLS13" : "TLS12";
}

/**
 * redis_exporter's own spelling of a TLS version (`REDIS_EXPORTER_TLS_SERVER_MIN_VERSION`): it accepts only
 * `TLS1.0`…`TLS1.3` and exits on anything else, exporter-toolkit's `TLS13` included.
 */
export function redisExporterTlsVersion(version: TlsVersion): "TLS1.2" | "TLS1.3" {
    return version === "1.3" ? "TLS1.3" : "TLS1.2";
}

/**
 * exporter-toolkit web config (`--web.config.file`) of Prometheus, Alertmanager, postgres_exporter, node_exporter and
 * blackbox_exporter: TLS with the given minimum version and, optionally, basic auth. With `basicAuthUsers` the output
 * holds bcrypt hashes, so the caller wraps it in `pulumi.secret` and uploads it as a secret file.
 */
export function renderWebConfig(input: WebConfigInput): string {
    const users = input.basicAuthUsers ?? {};
    return stringify({
        tls_server_config: {
            cert_file: input.tls.cert,
            key_file: input.tls.key,
            min_version: exporterTlsVersion(input.minVersion),
        },
        ...(Object.keys(users).length > 0 ? { basic_auth_users: { ...users } } : {}),
    });
}
