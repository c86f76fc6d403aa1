// Stands in for quay.io/prometheuscommunity/postgres-exporter:v0.18.1 (its Dockerfile: FROM quay.io/prometheus/busybox).
import { BUSYBOX_PACKAGE, Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "postgres-exporter",
    standsInFor: ["quay.io/prometheuscommunity/postgres-exporter:v0.18.1"],
    // No 0.18 in Debian: sid's 0.19.1 keeps everything 0.18.1 has (0.19 only adds collectors and options; the
    // DATA_SOURCE_* variables and --web.config.file are unchanged), trixie's 0.17.1 lacks 0.18's changes.
    suite: "sid",
    packages: { "prometheus-postgres-exporter": "0.19.1-1+b1", ...BUSYBOX_PACKAGE },
    setup: "mv /usr/bin/prometheus-postgres-exporter /usr/bin/postgres_exporter",
    layout: { kind: "busybox", keep: ["/usr/bin/postgres_exporter"] },
    config: {
        user: "nobody",
        entrypoint: ["/bin/postgres_exporter"],
        env: {},
        expose: ["9187"],
        labels: { maintainer: "The Prometheus Authors <prometheus-developers@googlegroups.com>" },
    },
    checks: [
        { argv: ["/bin/postgres_exporter", "--version"], expect: /postgres_exporter, version 0\.19\.1/ },
        { argv: ["id"], expect: /^uid=65534\(nobody\) gid=65534\(nobody\)/ },
        { argv: ["sh", "-c", "readlink /bin/sh; readlink \"$(command -v wget)\""], expect: /^\/usr\/bin\/busybox\n\/usr\/bin\/busybox$/ },
    ],
};
