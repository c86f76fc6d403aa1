import type { RedisSettings, TlsVersion } from "../settings/types";
import { SECRET_FILES, TlsFiles } from "../workloads/catalogue";
import { renderRedisStyle } from "./keyValueConf";

export interface RedisConfInput {
    readonly port: number;
    readonly tls: TlsFiles;
    readonly minVersion: TlsVersion;
    readonly memory: Pick<RedisSettings, "maxmemoryMiB" | "maxmemoryPolicy">;
}

/**
 * redis.conf: TLS only (`port 0`), the password in a separate secret include so this file holds no secret,
 * memory bound below the container limit, append-only persistence. Accepted by Redis 7.0 (Debian) and 8.
 * Clients authenticate by password, not certificate (`tls-auth-clients no`): the exporters and the API hold no
 * client certificate of their own.
 */
export function renderRedisConf(input: RedisConfInput): string {
    return renderRedisStyle([
        // `-::*`: listen on IPv6 too where the container has it, without failing where it does not.
        ["bind", "*", "-::*"],
        ["protected-mode", true],
        ["port", 0],
        ["tls-port", input.port],
        ["tls-cert-file", input.tls.cert],
        ["tls-key-file", input.tls.key],
        ["tls-ca-cert-file", input.tls.ca],
        ["tls-auth-clients", false],
        ["tls-protocols", input.minVersion === "1.3" ? "TLSv1.3" : "TLSv1.2 TLSv1.3"],
        ["maxmemory", `${input.memory.maxmemoryMiB}mb`],
        ["maxmemory-policy", input.memory.maxmemoryPolicy],
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
