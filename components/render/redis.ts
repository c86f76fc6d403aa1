import { SECRET_FILES, workloadSpecs } from "../workloads/catalogue";
import type { StackSettings } from "../settings/types";
import { renderRedisStyle } from "./keyValueConf";

/**
 * redis.conf: TLS only (`port 0`), the password in a separate secret include so this file holds no secret,
 * memory bound below the container limit, append-only persistence. Accepted by Redis 7.0 (Debian) and 8.
 * Clients authenticate by password, not certificate (`tls-auth-clients no`): the exporters and the API hold no
 * client certificate of their own.
 */
export function renderRedisConf(settings: StackSettings): string {
    const spec = workloadSpecs(settings).redis;
    return renderRedisStyle([
        // `-::*`: listen on IPv6 too where the container has it, without failing where it does not.
        ["bind", "*", "-::*"],
        ["protected-mode", true],
        ["port", 0],
        ["tls-port", spec.port],
        ["tls-cert-file", spec.tls.cert],
        ["tls-key-file", spec.tls.key],
        ["tls-ca-cert-file", spec.tls.ca],
        ["tls-auth-clients", false],
        ["tls-protocols", settings.tls.minVersion === "1.3" ? "TLSv1.3" : "TLSv1.2 TLSv1.3"],
        ["maxmemory", `${settings.redis.maxmemoryMiB}mb`],
        ["maxmemory-policy", settings.redis.maxmemoryPolicy],
        ["appendonly", true],
        ["dir", "/data"],
        ["enable-debug-command", false],
        ["include", SECRET_FILES.redisAuthConf],
    ]);
}

/** The secret include: `requirepass`. The caller wraps the result in `pulumi.secret`. */
export function renderRedisAuthConf(password: string): string {
    return renderRedisStyle([["requirepass", password]]);
}
