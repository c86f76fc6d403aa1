// Stands in for oliver006/redis_exporter:v1.76.0-alpine (its Dockerfile's `alpine` stage: FROM alpine:3.21).
import { BUSYBOX_PACKAGE, GNU_WGET_PACKAGE, Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "redis-exporter",
    standsInFor: ["oliver006/redis_exporter:v1.76.0-alpine"],
    // No 1.76 in Debian: trixie's 1.69.0 is the closest (sid has 1.86); both read REDIS_ADDR, REDIS_PASSWORD_FILE and
    // the REDIS_EXPORTER_TLS_* variables the stack sets.
    suite: "trixie",
    // Alpine's userland is busybox, but its wget speaks TLS 1.3 (ssl_client); GNU wget stands in for that one applet.
    packages: { "prometheus-redis-exporter": "1.69.0-1", ...BUSYBOX_PACKAGE, ...GNU_WGET_PACKAGE },
    // The official binary is /redis_exporter, at the root; the user is numeric and has no passwd entry.
    setup: "mv /usr/bin/prometheus-redis-exporter /redis_exporter",
    layout: { kind: "busybox", keep: ["/redis_exporter", "/usr/bin/wget"] },
    config: {
        user: "59000:59000",
        entrypoint: ["/redis_exporter"],
        env: {},
        expose: ["9121"],
    },
    checks: [
        { argv: ["/redis_exporter", "--version"], expect: /Redis Metrics Exporter v?1\.69\.0/ },
        { argv: ["id"], expect: /^uid=59000 gid=59000/ },
        { argv: ["wget", "--version"], expect: /GNU Wget 1\.25\.0/ },
        { argv: ["sh", "-c", "readlink /bin/sh"], expect: /^\/usr\/bin\/busybox$/ },
    ],
};
