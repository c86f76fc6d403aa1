// Stands in for prom/node-exporter:v1.9.1 (prometheus/node_exporter Dockerfile: FROM quay.io/prometheus/busybox).
import { BUSYBOX_PACKAGE, Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "node-exporter",
    standsInFor: ["prom/node-exporter:v1.9.1"],
    // trixie carries 1.9.0, the same minor as the deployed 1.9.1.
    suite: "trixie",
    packages: { "prometheus-node-exporter": "1.9.0-1+b4", ...BUSYBOX_PACKAGE },
    // The official binary is /bin/node_exporter; Debian names it prometheus-node-exporter.
    setup: "mv /usr/bin/prometheus-node-exporter /usr/bin/node_exporter",
    layout: { kind: "busybox", keep: ["/usr/bin/node_exporter"] },
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
        { argv: ["sh", "-c", "readlink /bin/sh; readlink \"$(command -v wget)\""], expect: /^\/usr\/bin\/busybox\n\/usr\/bin\/busybox$/ },
    ],
};
