// Stands in for redis:8.2.2 (redis/docker-library-redis debian/Dockerfile: FROM debian:trixie-slim, redis 999:999).
import { Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "redis",
    standsInFor: ["redis:8.2.2"],
    // No 8.2 in Debian: sid's 8.0.6 is the closest of the 8 line (trixie has 8.0.2). Debian builds it with TLS, as
    // the official image does (BUILD_TLS=yes); it has none of the official image's bundled modules, and keeps
    // upstream's protected-mode default (the official image patches it off; the stack sets a password either way).
    suite: "sid",
    packages: { "redis-server": "5:8.0.6-3", "redis-tools": "5:8.0.6-3" },
    extras: ["tzdata"],
    // The account first, with the official image's IDs, so Debian's postinst finds it rather than creating its own.
    preInstall: "groupadd -r -g 999 redis\nuseradd -r -g redis -u 999 redis",
    // The official image installs the binaries under /usr/local/bin and keeps data in /data (redis's, mode 755).
    setup: [
        "mkdir -p /usr/local/bin",
        "for b in redis-server redis-cli redis-benchmark redis-check-aof redis-check-rdb redis-sentinel; do",
        "    if [ -e /usr/bin/$b ]; then ln -s /usr/bin/$b /usr/local/bin/$b; fi",
        "done",
        "install -d -o redis -g redis -m 0755 /data",
    ].join("\n"),
    files: [{ source: "redis/docker-entrypoint.sh", target: "/usr/local/bin/docker-entrypoint.sh", mode: 0o755 }],
    layout: { kind: "debian" },
    config: {
        env: { REDIS_VERSION: "8.0.6" },
        workdir: "/data",
        volumes: ["/data"],
        entrypoint: ["docker-entrypoint.sh"],
        cmd: ["redis-server"],
        expose: ["6379"],
    },
    checks: [
        { argv: ["redis-server", "--version"], expect: /Redis server v=8\.0\.6/ },
        { argv: ["redis-cli", "--version"], expect: /redis-cli 8\.0\.6/ },
        // Built with TLS, as the stack's redis.conf needs.
        { argv: ["redis-server", "--port", "0", "--tls-port", "6390", "--tls-cert-file", "/nonexistent.crt", "--tls-key-file", "/nonexistent.key"], expect: /Failed to (load|configure)/i },
        // The entrypoint's argument rules: an option, or a *.conf, runs redis-server with it.
        { viaEntrypoint: true, argv: ["--version"], expect: /^Redis server v=8\.0\.6/ },
        { viaEntrypoint: true, argv: ["/no/such/redis.conf"], expect: /Fatal error, can't open config file '\/no\/such\/redis.conf'/ },
        // Any other command runs as given, with the 0077 umask.
        { viaEntrypoint: true, argv: ["sh", "-c", "id -u; umask"], expect: /^0\n0077$/ },
        { argv: ["id", "redis"], expect: /^uid=999\(redis\) gid=999\(redis\)/ },
        { argv: ["stat", "-c", "%a %u:%g %n", "/data"], expect: /^755 999:999 \/data$/ },
        { argv: ["sh", "-c", "for c in redis-server redis-cli docker-entrypoint.sh; do command -v $c; done; pwd"], expect: /^\/usr\/local\/bin\/redis-server\n\/usr\/local\/bin\/redis-cli\n\/usr\/local\/bin\/docker-entrypoint.sh\n\/data$/ },
    ],
};
