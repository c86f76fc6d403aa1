import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { discoveryQuery, renderDiscoveryScript } from "../../../../components/platforms/aws/discoveryScript";
import { findTool, tempDir } from "../../../support/tools";

/** DiscoverInstances as Cloud Map answers for three API tasks registered by ECS (A records: address only). */
const DISCOVER_INSTANCES = {
    Instances: ["10.50.0.17", "10.50.16.40", "10.50.32.9"].map((ip, i) => ({
        InstanceId: `task-${i}`,
        NamespaceName: "service-stack-production.internal",
        ServiceName: "api",
        HealthStatus: "HEALTHY",
        Attributes: { AWS_INSTANCE_IPV4: ip, AVAILABILITY_ZONE: `eu-west-1${"abc"[i]}`, ECS_CLUSTER_NAME: "service-stack-production-cluster", ECS_SERVICE_NAME: "api" },
    })),
};

describe("the API discovery sidecar's script", () => {
    it("refuses a port or interval it cannot use", () => {
        expect(() => discoveryQuery(0)).to.throw(/port 0 is not a TCP port/);
        expect(() => renderDiscoveryScript({ namespace: "n", service: "api", port: 8000, file: "/run/x/api.json", intervalSeconds: 1 })).to.throw(/below 5 s/);
    });

    it("asks for each task's address with the port, in the query language the AWS CLI evaluates (JMESPath, run by Python's jmespath)", function () {
        // .ci/install-tools.sh installs python3-jmespath: missing, this skips with a message on a laptop and fails in CI.
        const python = findTool("python3");
        const program = "import jmespath, json, sys; print(json.dumps(jmespath.search(sys.argv[1], json.load(sys.stdin))))";
        const search = (response: unknown) => spawnSync(python ?? "python3", ["-c", program, discoveryQuery(8000)], { input: JSON.stringify(response), encoding: "utf8" });
        const run = python ? search(DISCOVER_INSTANCES) : undefined;
        if (!run || (run.status !== 0 && /No module named 'jmespath'/.test(run.stderr))) {
            const message = "python3 with jmespath is not installed (Debian python3-jmespath, the library the AWS CLI uses; bash .ci/install-tools.sh)";
            if (process.env.CI === "true") throw new Error(`${message}; CI must run this check.`);
            console.log(`      skipped: ${message}`);
            this.skip();
            return;
        }
        expect(run.stderr).to.equal("");
        expect(JSON.parse(run.stdout)).to.deep.equal(["10.50.0.17:8000", "10.50.16.40:8000", "10.50.32.9:8000"]);
        expect(JSON.parse(search({ Instances: [] }).stdout)).to.deep.equal([]);
    });

    describe("run by sh with a stand-in AWS CLI, one round (the stand-in `sleep` ends the loop)", () => {
        let dir: string;
        let cleanup: () => void;
        let file: string;
        const round = (awsBody: string) => {
            const bin = path.join(dir, "bin");
            fs.mkdirSync(bin, { recursive: true });
            fs.writeFileSync(path.join(bin, "aws"), `#!/bin/sh\necho "$@" > '${dir}/aws-args'\n${awsBody}\n`, { mode: 0o755 });
            fs.writeFileSync(path.join(bin, "sleep"), "#!/bin/sh\nkill -TERM $PPID\n", { mode: 0o755 });
            const script = renderDiscoveryScript({ namespace: "service-stack-production.internal", service: "api", port: 8000, file, intervalSeconds: 30 });
            return spawnSync("sh", ["-c", script], { env: { PATH: `${bin}:${process.env.PATH}` }, encoding: "utf8" });
        };
        before(() => {
            ({ dir, cleanup } = tempDir("api-discovery"));
            file = path.join(dir, "sd", "api.json");
            fs.mkdirSync(path.dirname(file));
        });
        after(() => cleanup());

        it("writes Prometheus's file_sd targets from what the CLI prints, asking for this service of this namespace", () => {
            const result = round(`printf '[\\n  "10.50.0.17:8000",\\n  "10.50.16.40:8000"\\n]\\n'`);
            expect(result.stderr).to.equal("");
            expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal([{ targets: ["10.50.0.17:8000", "10.50.16.40:8000"] }]);
            expect(fs.readFileSync(path.join(dir, "aws-args"), "utf8").trim()).to.equal(`servicediscovery discover-instances --namespace-name service-stack-production.internal --service-name api --health-status HEALTHY_OR_ELSE_ALL --max-results 1000 --query ${discoveryQuery(8000)} --output json`);
            expect(fs.readdirSync(path.dirname(file))).to.deep.equal(["api.json"]);
        });

        it("writes an empty target list when no task is registered", () => {
            round("echo '[]'");
            expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal([{ targets: [] }]);
        });

        it("keeps the last targets and says why when the lookup fails", () => {
            round(`printf '["10.50.0.17:8000"]'`);
            const failed = round("echo 'AccessDenied' >&2; exit 254");
            expect(failed.stderr).to.contain("api discovery: Cloud Map lookup failed; Prometheus keeps the last targets");
            expect(JSON.parse(fs.readFileSync(file, "utf8"))).to.deep.equal([{ targets: ["10.50.0.17:8000"] }]);
            expect(execFileSync("ls", [path.dirname(file)], { encoding: "utf8" }).trim()).to.equal("api.json");
        });
    });
});
