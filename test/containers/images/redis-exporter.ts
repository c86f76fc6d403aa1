// Stands in for oliver006/redis_exporter:v1.76.0-alpine (its Dockerfile's `alpine` stage: FROM alpine:3.21).
import { ALPINE_WGET_KEEP, ALPINE_WGET_PACKAGE, BUSYBOX_PACKAGE, Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "redis-exporter",
    standsInFor: ["oliver006/redis_exporter:v1.76.0-alpine"],
    // No 1.76 in Debian: trixie's 1.69.0 is the closest (sid has 1.86); both read REDIS_ADDR, REDIS_PASSWORD_FILE and
    // the REDIS_EXPORTER_TLS_* variables the stack sets.
    suite: "trixie",
    // Alpine's userland is busybox, its wget doing TLS through OpenSSL (ssl_client): busybox's wget with Debian's
    // openssl stands in for it, so the same flags, the same messages and TLS 1.3.
    packages: { "prometheus-redis-exporter": "1.69.0-1", ...BUSYBOX_PACKAGE, ...ALPINE_WGET_PACKAGE },
    // The official binary is /redis_exporter, at the root; the user is numeric and has no passwd entry.
    setup: "mv /usr/bin/prometheus-redis-exporter /redis_exporter",
    layout: { kind: "busybox", keep: ["/redis_exporter", ...ALPINE_WGET_KEEP] },
    config: {
        user: "59000:59000",
        entrypoint: ["/redis_exporter"],
        env: {},
        expose: ["9121"],
    },
    checks: [
        { argv: ["/redis_exporter", "--version"], expect: /Redis Metrics Exporter v?1\.69\.0/ },
        { argv: ["id"], expect: /^uid=59000 gid=59000/ },
        { argv: ["sh", "-c", "readlink /bin/sh; readlink \"$(command -v wget)\"; openssl version"], expect: /^\/usr\/bin\/busybox\n\/usr\/bin\/busybox\nOpenSSL 3\.5\.9/ },
    ],
};
