import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { directorySlug, fileRoots, pathsDigest, upload } from "../../../../components/platforms/docker/fileDelivery";

describe("file delivery to read-only containers", () => {
    describe("fileRoots", () => {
        it("mounts each file's directory once, and nothing inside a directory already mounted", () => {
            expect(fileRoots([
                "/etc/prometheus/prometheus.yml", "/etc/prometheus/rules/api.yml", "/etc/prometheus/tls/tls.key",
                "/run/secrets/a", "/run/secrets/b", "/docker-entrypoint-initdb.d/10-app-user.sh",
            ])).to.deep.equal(["/docker-entrypoint-initdb.d", "/etc/prometheus", "/run/secrets"]);
        });

        it("keeps sibling directories apart (a volume over their parent would hide the image's files there)", () => {
            expect(fileRoots(["/etc/grafana/provisioning/datasources/d.yml", "/etc/grafana/provisioning/dashboards/p.yml", "/etc/grafana/tls/tls.crt"]))
                .to.deep.equal(["/etc/grafana/provisioning/dashboards", "/etc/grafana/provisioning/datasources", "/etc/grafana/tls"]);
        });

        it("does not mistake a directory whose name extends another's for one inside it", () => {
            expect(fileRoots(["/etc/app/a", "/etc/app-tls/b"])).to.deep.equal(["/etc/app", "/etc/app-tls"]);
        });

        it("refuses a file at the root or a relative path: `/` cannot be a volume", () => {
            expect(() => fileRoots(["/config.yml"])).to.throw('"/" cannot be a mount point');
            expect(() => fileRoots(["config.yml"])).to.throw('"." cannot be a mount point');
        });
    });

    it("turns a directory into a volume-name part", () => {
        expect(directorySlug("/docker-entrypoint-initdb.d")).to.equal("docker-entrypoint-initdb-d");
        expect(directorySlug("/usr/local/etc/redis")).to.equal("usr-local-etc-redis");
    });

    it("digests the set of paths under a root, not their order, content or other roots", () => {
        const a = pathsDigest("/etc/x", ["/etc/x/a", "/etc/x/b", "/run/secrets/s"]);
        expect(a).to.match(/^[0-9a-f]{8}$/);
        expect(pathsDigest("/etc/x", ["/etc/x/b", "/etc/x/a"])).to.equal(a);
        expect(pathsDigest("/etc/x", ["/etc/x/a", "/etc/x/b", "/run/secrets/other"])).to.equal(a);
        expect(pathsDigest("/etc/x", ["/etc/x/a"])).not.to.equal(a);
    });

    it("uploads secrets wrapped, owned by the process user, mode 0400; configuration root-owned, mode 0444", async () => {
        const secret = upload({ path: "/run/secrets/p", content: "hunter2", secret: true }, "999:998");
        expect(secret).to.include({ file: "/run/secrets/p", owner: "999", group: "998", permissions: "0400" });
        expect(await pulumi.isSecret(secret.content as pulumi.Output<string>)).to.equal(true);
        expect(upload({ path: "/etc/x/c.yml", content: "a: 1\n", secret: false }, "999:998"))
            .to.deep.equal({ file: "/etc/x/c.yml", content: "a: 1\n", owner: "0", group: "0", permissions: "0444" });
        expect(upload({ path: "/run/secrets/p", content: "x", secret: true }, "65534")).to.include({ owner: "65534", group: "65534" });
    });
});
