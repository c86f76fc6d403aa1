// Stands in for caddy:2.10.2 (caddyserver/caddy-docker 2.10/alpine/Dockerfile: FROM alpine:3.22), also the local API stand-in.
import { ALPINE_WGET_KEEP, ALPINE_WGET_PACKAGE, BUSYBOX_PACKAGE, Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "caddy",
    standsInFor: ["caddy:2.10.2"],
    // No 2.10 in Debian: sid's 2.11.4 is the closest (trixie has 2.6.2).
    suite: "sid",
    // Alpine's userland is busybox, its wget doing TLS through OpenSSL (ssl_client): busybox's wget with Debian's
    // openssl stands in for it, so the same flags, the same messages and TLS 1.3.
    packages: { caddy: "2.11.4-1", ...BUSYBOX_PACKAGE, ...ALPINE_WGET_PACKAGE },
    // The official installs ca-certificates, libcap (getcap/setcap) and mailcap (/etc/mime.types).
    extras: ["libcap2-bin", "media-types"],
    // The official image: /usr/bin/caddy with cap_net_bind_service=+ep, /config/caddy, /data/caddy, /etc/caddy with the
    // default Caddyfile, /usr/share/caddy/index.html and WORKDIR /srv, all root's.
    setup: [
        "setcap cap_net_bind_service=+ep /usr/bin/caddy",
        "mkdir -p /config/caddy /data/caddy /etc/caddy /usr/share/caddy /srv",
    ].join("\n"),
    layout: {
        kind: "busybox",
        keep: ["/usr/bin/caddy", ...ALPINE_WGET_KEEP, "/usr/sbin/getcap", "/usr/sbin/setcap", "/etc/mime.types", "/config", "/data", "/etc/caddy", "/usr/share/caddy", "/srv"],
    },
    fileCapabilities: { "/usr/bin/caddy": "cap_net_bind_service=ep" },
    config: {
        workdir: "/srv",
        cmd: ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"],
        env: { XDG_CONFIG_HOME: "/config", XDG_DATA_HOME: "/data" },
        expose: ["80", "443", "443/udp", "2019"],
        labels: {
            "org.opencontainers.image.version": "v2.10.2",
            "org.opencontainers.image.title": "Caddy",
            "org.opencontainers.image.source": "https://github.com/caddyserver/caddy-docker",
        },
    },
    checks: [
        // Debian's build prints the version without the official binary's leading "v".
        { argv: ["caddy", "version"], expect: /^v?2\.11\.4/ },
        { argv: ["getcap", "/usr/bin/caddy"], expect: /^\/usr\/bin\/caddy cap_net_bind_service=ep$/ },
        { argv: ["id"], expect: /^uid=0\(root\) gid=0\(root\)/ },
        { argv: ["stat", "-c", "%a %u:%g %n", "/config/caddy", "/data/caddy", "/etc/caddy/Caddyfile", "/usr/share/caddy/index.html"], expect: /^755 0:0 \/config\/caddy\n755 0:0 \/data\/caddy\n644 0:0 \/etc\/caddy\/Caddyfile\n644 0:0 \/usr\/share\/caddy\/index.html$/ },
        { argv: ["sh", "-c", "echo $XDG_CONFIG_HOME $XDG_DATA_HOME; pwd"], expect: /^\/config \/data\n\/srv$/ },
        { argv: ["sh", "-c", "readlink /bin/sh; readlink \"$(command -v wget)\"; openssl version"], expect: /^\/usr\/bin\/busybox\n\/usr\/bin\/busybox\nOpenSSL 3\.5\.9/ },
    ],
};
