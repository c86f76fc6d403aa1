// Stands in for prom/node-exporter:v1.9.1 (prometheus/node_exporter Dockerfile: FROM quay.io/prometheus/busybox).
import { BUSYBOX_PACKAGE, Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "node-exporter",
    standsInFor: ["prom/node-exporter:v1.9.1"],
    // trixie carries 1.9.0, the same minor as the deployed 1.9.1.
    suite: "trixie",
    packages: { "prometheus-node-exporter": "1.9.0-1+b4", ...BUSYBOX_PACKAGE },
    // The official binary is /bin/node_exporter. Debian's build enables the systemd collector and reads textfiles from
    // /var/lib/prometheus/node-exporter by default; /bin/node_exporter here restores upstream's defaults and execs it.
    setup: "mkdir -p /usr/libexec && mv /usr/bin/prometheus-node-exporter /usr/libexec/node_exporter",
    files: [{ source: "node-exporter/node_exporter", target: "/usr/bin/node_exporter", mode: 0o755 }],
    layout: { kind: "busybox", keep: ["/usr/bin/node_exporter", "/usr/libexec/node_exporter"] },
    config: {
        user: "nobody",
        entrypoint: ["/bin/node_exporter"],
        env: {},
        expose: ["9100"],
        labels: { maintainer: "The Prometheus Authors <prometheus-developers@googlegroups.com>" },
    },
    checks: [
        { argv: ["/bin/node_exporter", "--version"], expect: /node_exporter, version 1\.9\.0/ },
        { argv: ["id"], expect: /^uid=65534\(nobody\) gid=65534\(nobody\)/ },
        // Upstream's collectors: no systemd collector (nor its dbus errors), textfile with no directory.
        {
            argv: ["sh", "-c", "/bin/node_exporter --web.listen-address=127.0.0.1:9100 2>/tmp/log & sleep 2; wget -q -O- http://127.0.0.1:9100/metrics | grep -c 'collector=\"systemd\"'; grep -c -E 'level=ERROR.*(systemd|textfile)' /tmp/log; kill $!"],
            expect: /^0\n0$/,
        },
        { argv: ["sh", "-c", "readlink /bin/sh; readlink \"$(command -v wget)\""], expect: /^\/usr\/bin\/busybox\n\/usr\/bin\/busybox$/ },
    ],
};
