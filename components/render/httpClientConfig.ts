import { stringify } from "yaml";

export interface HttpClientConfigInput {
    /** CA that signed the server certificate. */
    readonly caFile: string;
    /** Name the server certificate must carry. */
    readonly serverName: string;
    /** Basic auth, the password read from a file at request time. */
    readonly basicAuth?: { readonly username: string; readonly passwordFile: string };
}

/**
 * Prometheus-style HTTP client config (`--http.config.file` of promtool and amtool), used by container
 * healthchecks so they verify TLS and authenticate like any other client. Holds no secret: the password is a file.
 */
export function renderHttpClientConfig(input: HttpClientConfigInput): string {
    return stringify({
        tls_config: { ca_file: input.caFile, server_name: input.serverName },
        ...(input.basicAuth ? { basic_auth: { username: input.basicAuth.username, password_file: input.basicAuth.passwordFile } } : {}),
    });
}
