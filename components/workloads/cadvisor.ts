import { WORKLOAD_NAMES } from "./catalogue";
import type { WorkloadContext, WorkloadDescription } from "./description";

/**
 * cAdvisor: every container's CPU, memory and network, read from the host. It has no TLS server of its own, so it is
 * scraped over HTTP on the data network, which has no route out and no published port (a policy exemption). Only
 * the metric kinds the alerts and dashboards read: `--disable_metrics` would replace cAdvisor's own default list and
 * switch on the process, NUMA and TCP collectors it keeps off.
 */
export function cadvisorWorkload({ settings, specs }: WorkloadContext): WorkloadDescription {
    const spec = specs.cadvisor;
    return {
        name: WORKLOAD_NAMES.cadvisor,
        image: settings.images.cadvisor,
        user: spec.user,
        limits: settings.resources.cadvisor,
        command: ["--docker_only=true", "--housekeeping_interval=15s", "--store_container_labels=false", "--enable_metrics=cpu,memory,network"],
        ports: [spec.port],
        files: [],
        hostMounts: [
            { hostPath: "/", path: "/rootfs" },
            { hostPath: "/sys", path: "/sys" },
            { hostPath: "/var/lib/docker", path: "/var/lib/docker" },
            { hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock" },
        ],
        healthcheck: { test: ["CMD", "wget", "-q", "--spider", `http://127.0.0.1:${spec.port}/healthz`], startPeriodSeconds: 30 },
    };
}
