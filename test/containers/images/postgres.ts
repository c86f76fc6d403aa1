// Stands in for postgres:18.1 (docker-library/postgres 18/trixie/Dockerfile: FROM debian:trixie-slim, postgres 999:999).
import { DEFAULT_PATH, Recipe } from "./recipe";

export const recipe: Recipe = {
    name: "postgres",
    standsInFor: ["postgres:18.1"],
    // sid's 18.6 is the only PostgreSQL 18 in Debian; the official image installs the PGDG build of the same packaging.
    suite: "sid",
    packages: { "postgresql-18": "18.6-3" },
    // What the official Dockerfile installs beside the server (gosu aside: the entrypoint switches user with setpriv).
    extras: ["postgresql-common", "locales", "libnss-wrapper", "xz-utils", "zstd", "less"],
    preInstall: [
        // The account first, with the official image's IDs and home, so postgresql-common's postinst takes it as is.
        "groupadd -r postgres --gid=999",
        "useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres",
        "install -d -o postgres -g postgres -m 1777 /var/lib/postgresql",
        // Message translations stay, as the official image lifts debian-slim's exclusion of them.
        "sed -i '\\|/usr/share/locale|d' /etc/dpkg/dpkg.cfg.d/90service-stack-slim",
        // No cluster is created at install time: postgresql-common first, told so, then the server.
        "apt-get install -y -q --no-install-recommends -t sid postgresql-common",
        "sed -ri 's/^#?\\s*create_main_cluster\\s*=.*/create_main_cluster = false/' /etc/postgresql-common/createcluster.conf",
        "grep -qx 'create_main_cluster = false' /etc/postgresql-common/createcluster.conf",
    ].join("\n"),
    setup: [
        // en_US.UTF-8, the image's LANG, so clusters are UTF-8.
        "echo 'en_US.UTF-8 UTF-8' >> /etc/locale.gen",
        "locale-gen",
        "locale -a | grep -qx 'en_US.utf8'",
        // The sample configuration listens on every address, as in the official image (a volume-only start gets it).
        "dpkg-divert --add --rename --divert /usr/share/postgresql/postgresql.conf.sample.dpkg /usr/share/postgresql/18/postgresql.conf.sample",
        "cp /usr/share/postgresql/postgresql.conf.sample.dpkg /usr/share/postgresql/postgresql.conf.sample",
        "ln -s ../postgresql.conf.sample /usr/share/postgresql/18/",
        "sed -ri \"s!^#?(listen_addresses)\\s*=\\s*\\S+.*!\\1 = '*'!\" /usr/share/postgresql/postgresql.conf.sample",
        "grep -qF \"listen_addresses = '*'\" /usr/share/postgresql/postgresql.conf.sample",
        // The official modes: a tmpfs mounted over these takes them, and the volume's root is copied from the first.
        "install -d -o postgres -g postgres -m 3777 /var/run/postgresql",
        "chown postgres:postgres /var/lib/postgresql",
        "chmod 1777 /var/lib/postgresql",
        "test -z \"$(ls -A /var/lib/postgresql)\"",
        "mkdir /docker-entrypoint-initdb.d",
        "/usr/lib/postgresql/18/bin/postgres --version",
    ].join("\n"),
    files: [{ source: "postgres/docker-entrypoint.sh", target: "/usr/local/bin/docker-entrypoint.sh", mode: 0o755 }],
    layout: { kind: "debian" },
    config: {
        env: {
            // The official image appends the server's bin dir: pg_isready, psql, pg_dump… on PATH.
            PATH: `${DEFAULT_PATH}:/usr/lib/postgresql/18/bin`,
            LANG: "en_US.utf8",
            PG_MAJOR: "18",
            PG_VERSION: "18.6-3",
            // PostgreSQL 18 images keep the cluster under the pg_ctlcluster layout, inside the volume at /var/lib/postgresql.
            PGDATA: "/var/lib/postgresql/18/docker",
        },
        volumes: ["/var/lib/postgresql"],
        entrypoint: ["docker-entrypoint.sh"],
        cmd: ["postgres"],
        // Fast shutdown on `docker stop`.
        stopSignal: "SIGINT",
        expose: ["5432"],
    },
    checks: [
        { argv: ["postgres", "--version"], expect: /postgres \(PostgreSQL\) 18\.6/ },
        // The client tools through postgresql-common's wrappers, the server's own from its bin dir (as in the official image).
        { argv: ["sh", "-c", "for c in pg_isready psql pg_dump initdb pg_ctl postgres; do command -v $c; done"], expect: /^\/usr\/bin\/pg_isready\n\/usr\/bin\/psql\n\/usr\/bin\/pg_dump\n\/usr\/lib\/postgresql\/18\/bin\/initdb\n\/usr\/lib\/postgresql\/18\/bin\/pg_ctl\n\/usr\/lib\/postgresql\/18\/bin\/postgres$/ },
        { argv: ["id", "postgres"], expect: /^uid=999\(postgres\) gid=999\(postgres\)/ },
        { argv: ["stat", "-L", "-c", "%a %u:%g %n", "/var/run/postgresql", "/var/lib/postgresql", "/docker-entrypoint-initdb.d"], expect: /^3777 999:999 \/var\/run\/postgresql\n1777 999:999 \/var\/lib\/postgresql\n755 0:0 \/docker-entrypoint-initdb.d$/ },
        { argv: ["sh", "-c", "echo $PGDATA $LANG; locale -a | grep -x en_US.utf8"], expect: /^\/var\/lib\/postgresql\/18\/docker en_US.utf8\nen_US.utf8$/ },
        // The first-argument rule: an option runs postgres with it.
        { viaEntrypoint: true, argv: ["--version"], expect: /^postgres \(PostgreSQL\) 18\.6/ },
    ],
};
