import { changed, compliantContainer, resource, upload } from "./fixtures";

/** The label that names a carrier's consumer (components/platforms/docker/fileDelivery.ts). */
export const FILES_FOR = "com.service-stack.files-for";

/** A workload container as the program declares it now: no uploads, its files on read-only volumes. */
export const workload = changed(compliantContainer(), (i) => {
    delete i.uploads;
    i.mounts = [{ type: "volume", source: "service-stack-test-postgres-files-etc-postgresql-0a1b2c3d", target: "/etc/postgresql", readOnly: true }];
});

/** Its carrier: created, never started, uploads only into its volumes. */
export const carrier = resource("docker:index/container:Container", "stack-postgres-files", {
    name: "service-stack-test-postgres-files",
    image: "sha256:0f5c5b35f1ad9f2d2c4b3ad8c0c7a5f0b1e3d1f7b6e5a4c3b2a1908f7e6d5c4b",
    user: "999:999",
    start: false,
    mustRun: false,
    restart: "no",
    networkMode: "none",
    readOnly: false,
    privileged: false,
    capabilities: { drops: ["ALL"], adds: [] },
    securityOpts: ["no-new-privileges:true"],
    memory: 16,
    labels: [{ label: "com.service-stack.stack", value: "test" }, { label: FILES_FOR, value: "service-stack-test-postgres" }],
    mounts: [
        { type: "volume", source: "service-stack-test-postgres-files-etc-postgresql-0a1b2c3d", target: "/etc/postgresql", volumeOptions: { noCopy: true } },
        { type: "volume", source: "service-stack-test-postgres-files-run-secrets-4e5f6a7b", target: "/run/secrets", volumeOptions: { noCopy: true } },
    ],
    uploads: [upload("/etc/postgresql/postgresql.conf", "ssl = on\n"), upload("/etc/postgresql/tls/tls.key", "-----BEGIN EC PRIVATE KEY-----\nx\n-----END EC PRIVATE KEY-----\n", true), upload("/run/secrets/p", "x", true)],
});
