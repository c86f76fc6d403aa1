// Stands in for amazon/aws-cli:2.27.0 (aws/aws-cli docker/Dockerfile: FROM amazonlinux:2, the CLI's own installer into /usr/local/aws-cli, less groff jq, WORKDIR /aws, ENTRYPOINT /usr/local/bin/aws, root).
import { Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "aws-cli",
    standsInFor: ["amazon/aws-cli:2.27.0"],
    // Debian's AWS CLI v2 (trixie: 2.23.6, the same major and subcommands as 2.27) on Debian instead of Amazon Linux:
    // bash, coreutils and grep, which the off-host copy's script uses, are in both.
    suite: "trixie",
    packages: { awscli: "2.23.6-1" },
    extras: ["less", "jq", "ca-certificates"],
    setup: [
        "mkdir -p /usr/local/bin /aws",
        "ln -s /usr/bin/aws /usr/local/bin/aws",
    ].join("\n"),
    layout: { kind: "debian" },
    config: {
        env: {},
        workdir: "/aws",
        entrypoint: ["/usr/local/bin/aws"],
    },
    checks: [
        { viaEntrypoint: true, argv: ["--version"], expect: /^aws-cli\/2\.23\.6 /m },
        { argv: ["id", "-u"], expect: /^0$/ },
        // What the off-host copy's script runs besides aws.
        { argv: ["bash", "-c", "for c in sha256sum stat basename cut tr grep seq date; do command -v $c >/dev/null || echo missing $c; done; echo ok"], expect: /^ok$/ },
        // As the stack runs it: another uid, HOME=/tmp, a read-only root.
        { user: "999:999", argv: ["env", "HOME=/tmp", "aws", "configure", "list"], expect: /region\s+<not set>/ },
    ],
};
