// Stands in for prom/blackbox-exporter:v0.27.0 (prometheus/blackbox_exporter Dockerfile at v0.27.0: FROM quay.io/prometheus/busybox).
import { BUSYBOX_PACKAGE, Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "blackbox-exporter",
    standsInFor: ["prom/blackbox-exporter:v0.27.0"],
    // No 0.27 in Debian: trixie's 0.26.0 differs from it by one CEL body matcher and two fixes; sid's 0.28 changes
    // logging and the User-Agent.
    suite: "trixie",
    packages: { "prometheus-blackbox-exporter": "0.26.0-1", ...BUSYBOX_PACKAGE },
    // The official image has /etc/blackbox_exporter/config.yml (the upstream example Debian also ships) and sets no
    // USER: it runs as root unless told otherwise. Debian's postinst may give the binary cap_net_raw (for ICMP) when
    // asked; the official binary has no file capability, so any is removed (the build checks).
    setup: [
        "mv /usr/bin/prometheus-blackbox-exporter /usr/bin/blackbox_exporter",
        "setcap -r /usr/bin/blackbox_exporter 2>/dev/null || true",
        "mkdir -p /etc/blackbox_exporter",
        "cp /etc/prometheus/blackbox.yml /etc/blackbox_exporter/config.yml",
    ].join("\n"),
    layout: { kind: "busybox", keep: ["/usr/bin/blackbox_exporter", "/etc/blackbox_exporter"] },
    config: {
        entrypoint: ["/bin/blackbox_exporter"],
        cmd: ["--config.file=/etc/blackbox_exporter/config.yml"],
        env: {},
        expose: ["9115"],
        labels: { maintainer: "The Prometheus Authors <prometheus-developers@googlegroups.com>" },
    },
    checks: [
        { argv: ["/bin/blackbox_exporter", "--version"], expect: /blackbox_exporter, version 0\.26\.0/ },
        { argv: ["id"], expect: /^uid=0\(root\) gid=0\(root\)/ },
        { argv: ["/bin/blackbox_exporter", "--config.file=/etc/blackbox_exporter/config.yml", "--config.check"], user: "65534:65534", expect: /Config file is ok/ },
        { argv: ["sh", "-c", "readlink /bin/sh; readlink \"$(command -v wget)\""], expect: /^\/usr\/bin\/busybox\n\/usr\/bin\/busybox$/ },
    ],
};
