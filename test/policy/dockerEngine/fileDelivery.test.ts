import { disallowUploadsIntoReadOnlyRoot, requireInertFileCarriers } from "../../../policy/policies/dockerEngine/fileDelivery";
import { changed, compliantContainer, encrypted, upload, UNKNOWN } from "../support/fixtures";
import { carrier, workload } from "../support/fileCarriers";
import { specifyResourcePolicy } from "../support/policySpec";

specifyResourcePolicy(disallowUploadsIntoReadOnlyRoot, workload, [
    { when: "a read-only container receives uploads (the engine refuses them)", input: compliantContainer(), violations: [/^3 uploads go into a container whose root filesystem is read-only: the engine refuses them \("container rootfs is marked read-only"\)/] },
    { when: "the uploads list is encrypted in a state file", input: changed(compliantContainer(), (i) => { i.uploads = encrypted(); }), violations: [/^Encrypted uploads go into/] },
    { when: "a writable container receives uploads (the carrier)", input: carrier },
    { when: "the uploads list is empty", input: changed(workload, (i) => { i.uploads = []; }) },
    { when: "`readOnly` is unknown during preview", input: changed(compliantContainer(), (i) => { i.readOnly = UNKNOWN.boolean; }) },
]);

specifyResourcePolicy(requireInertFileCarriers, carrier, [
    { when: "the container is started", input: workload, notApplicable: /is started/ },
    { when: "a carrier may be restarted by the daemon", input: changed(carrier, (i) => { i.restart = "unless-stopped"; }), violations: [/Restart policy "unless-stopped" lets the daemon start it/] },
    { when: "a carrier leaves `mustRun` at its default", input: changed(carrier, (i) => { delete i.mustRun; }), violations: [/`mustRun` is not false/] },
    { when: "a carrier joins the default bridge", input: changed(carrier, (i) => { delete i.networkMode; }), violations: [/`networkMode` is the default bridge/] },
    { when: "a carrier joins a stack network", input: changed(carrier, (i) => { i.networksAdvanced = [{ name: "service-stack-test-data" }]; }), violations: [/joins networks/] },
    { when: "a carrier publishes a port", input: changed(carrier, (i) => { i.ports = [{ internal: 5432, external: 5432, ip: "127.0.0.1" }]; }), violations: [/publishes ports/] },
    { when: "a carrier mounts the Docker socket", input: changed(carrier, (i) => { i.mounts.push({ type: "bind", source: "/var/run/docker.sock", target: "/var/run/docker.sock" }); }), violations: [/bind-mounts a host path/] },
    { when: "a carrier adds a capability", input: changed(carrier, (i) => { i.capabilities.adds = ["CHOWN"]; }), violations: [/adds capabilities back/] },
    { when: "a carrier names no consumer", input: changed(carrier, (i) => { i.labels = i.labels.slice(0, 1); }), violations: [/names no consumer/] },
    { when: "an upload lands outside the carrier's volumes", input: changed(carrier, (i) => { i.uploads.push(upload("/etc/passwd", "root::0:0::/:/bin/sh\n")); }), violations: [/Upload \/etc\/passwd lands outside its volumes \(\/etc\/postgresql, \/run\/secrets\)/] },
    { when: "a directory that only shares a prefix with a volume is not inside it", input: changed(carrier, (i) => { i.uploads.push(upload("/etc/postgresql-common/x", "")); }), violations: [/postgresql-common\/x lands outside/] },
    { when: "the uploads list is encrypted in a state file", input: changed(carrier, (i) => { i.uploads = encrypted(); }) },
]);
