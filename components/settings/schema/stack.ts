import { ENVIRONMENTS, PLATFORMS } from "../types";
import { dnsName, email, integer, ipv4, key, oneOf } from "./kinds";
import { ByEnvironment, group } from "./nodes";

/** Where the stack runs, its public names, DNS and the edge: the keys every other key's defaults may depend on first. */
export const STACK_KEYS = {
    platform: key(oneOf(PLATFORMS), {
        default: "docker",
        meaning: "where the stack runs: one Docker host, or AWS managed services (see \"AWS platform\")",
    }),
    environment: key(oneOf(ENVIRONMENTS), {
        default: "local",
        defaultText: "`local` / set / set",
        meaning: "selects the environment defaults below",
    }),
    domain: key(dnsName, {
        type: "lower-case DNS name; every public name (`alertmanager.<domain>`) ≤ 253 characters; on `aws` `api.<domain>` ≤ 64 (ACM's first name)",
        meaning: "public names are `api.`, `grafana.`, `prometheus.`, `alertmanager.`, `jaeger.` + domain; none: `*.localhost`",
    }),
    acmeEmail: key(email, {
        type: "e-mail: letters, digits, `_ + -` and single dots before `@` (≤ 64), a DNS name after (≤ 254 in all)",
        meaning: "ACME account; required exactly when `domain` is set",
    }),
    dnsZone: key(dnsName, { meaning: "Route53 hosted zone for the records; needs `domain` inside it and `publicAddress`" }),
    dnsTtl: key(integer(30, 86400), { default: 60, meaning: "record TTL" }),
    publicAddress: key(ipv4, { meaning: "the Docker host's public address the A records point at" }),
    edge: group({
        bindAddress: key(ipv4, {
            // Loopback and unprivileged ports locally: nothing on a laptop is exposed, and no clash with a local web server.
            default: new ByEnvironment({ local: "127.0.0.1", staging: "0.0.0.0", production: "0.0.0.0" }),
            meaning: "host address the edge ports bind to",
        }),
        httpPort: key(integer(1, 65535), {
            default: new ByEnvironment({ local: 8080, staging: 80, production: 80 }),
            type: "port 1–65535",
            meaning: "plain HTTP (redirect to HTTPS, ACME)",
        }),
        httpsPort: key(integer(1, 65535), {
            default: new ByEnvironment({ local: 8443, staging: 443, production: 443 }),
            type: "port 1–65535, not `edge.httpPort`",
            meaning: "HTTPS",
        }),
        rateLimitPerMinute: key(integer(1, 100000), {
            default: new ByEnvironment({ local: 120, staging: 120, production: 100 }),
            type: "integer 1–100000 (≥ 10 on `aws`)",
            meaning: "per-client-IP request budget (see \"Rate limiting\")",
        }),
    }),
};
