import type { StackSettings } from "../../settings/types";
import { DEFAULT_ALERT_THRESHOLDS as ALERT } from "../alerts/thresholds";
import { SCRAPE_JOB_NAMES } from "../prometheus";
import type { DashboardInput } from "./index";
import { Dashboard, dashboard, timeseries } from "./panels";
import { eq, escapeRegex, notRe, rate, re, sel, sum } from "./promql";

const NODE = eq("job", SCRAPE_JOB_NAMES.node);
const CADVISOR = eq("job", SCRAPE_JOB_NAMES.cadvisor);
// Pseudo and container-image filesystems say nothing about the host's disk space.
const REAL_FILESYSTEMS = notRe("fstype", "tmpfs|overlay|squashfs|nsfs|ramfs");

/** cAdvisor matcher for the container of a workload reached as `alias` (its Docker name is `<namePrefix>-<alias>`). */
export function containerOf(settings: Pick<StackSettings, "namePrefix">, alias: string): string {
    return eq("name", `${settings.namePrefix}-${alias}`);
}

/** cAdvisor matcher for every container of this stack, leaving out other stacks on the same host. */
export function stackContainers(settings: Pick<StackSettings, "namePrefix">): string {
    return re("name", `${escapeRegex(settings.namePrefix)}-.+`);
}

/** The Docker host (node_exporter) and every container of the stack (cAdvisor). */
export function containersHostDashboard(settings: DashboardInput): Dashboard {
    const containers = stackContainers(settings);
    const perContainer = (metric: string) => sum(sel(metric, CADVISOR, containers), "name");
    return dashboard({
        uid: "stack-containers-host",
        title: "Containers and host",
        description: "The Docker host from node_exporter and each of the stack's containers from cAdvisor.",
        tags: ["service-stack", "host", "containers"],
        panels: [
            timeseries("Host CPU busy", "percentunit", [
                { expr: `1 - avg(${rate(sel("node_cpu_seconds_total", NODE, eq("mode", "idle")))})`, legend: "busy" },
            ], { min: 0, max: 1, thresholds: [{ value: 0.8, color: "orange" }] }),
            timeseries("Host memory used", "percentunit", [
                { expr: `1 - ${sel("node_memory_MemAvailable_bytes", NODE)} / ${sel("node_memory_MemTotal_bytes", NODE)}`, legend: "used" },
            ], { min: 0, max: 1, thresholds: [{ value: ALERT.memoryUsedRatioCritical, color: "red" }] }),
            timeseries("Host disk used", "percentunit", [{
                expr: `1 - ${sel("node_filesystem_avail_bytes", NODE, REAL_FILESYSTEMS)} / ${sel("node_filesystem_size_bytes", NODE, REAL_FILESYSTEMS)}`,
                legend: "{{mountpoint}}",
            }], { min: 0, max: 1, thresholds: [{ value: 1 - ALERT.diskFreeRatioCritical, color: "red" }] }),
            timeseries("Host load", "short", ["1", "5", "15"].map((minutes) => ({ expr: sel(`node_load${minutes}`, NODE), legend: `${minutes}m` }))),
            timeseries("Host network", "Bps", [
                { expr: sum(rate(sel("node_network_receive_bytes_total", NODE, notRe("device", "lo|veth.*|docker.*|br-.*"))), "device"), legend: "{{device}} in" },
                { expr: sum(rate(sel("node_network_transmit_bytes_total", NODE, notRe("device", "lo|veth.*|docker.*|br-.*"))), "device"), legend: "{{device}} out" },
            ]),
            timeseries("Container CPU", "short", [
                { expr: sum(rate(sel("container_cpu_usage_seconds_total", CADVISOR, containers)), "name"), legend: "{{name}}" },
            ], { description: "CPU cores used by each container." }),
            timeseries("Container memory (working set)", "bytes", [{ expr: perContainer("container_memory_working_set_bytes"), legend: "{{name}}" }]),
            timeseries("Container memory of limit", "percentunit", [{
                expr: `${perContainer("container_memory_working_set_bytes")} / (${perContainer("container_spec_memory_limit_bytes")} > 0)`,
                legend: "{{name}}",
            }], { min: 0, max: 1, thresholds: [{ value: 0.9, color: "red" }] }),
            timeseries("Container network", "Bps", [
                { expr: sum(rate(sel("container_network_receive_bytes_total", CADVISOR, containers)), "name"), legend: "{{name}} in" },
                { expr: sum(rate(sel("container_network_transmit_bytes_total", CADVISOR, containers)), "name"), legend: "{{name}} out" },
            ]),
            timeseries("Container starts (last hour)", "short", [{
                expr: sum(`changes(${sel("container_start_time_seconds", CADVISOR, containers)}[1h])`, "name"),
                legend: "{{name}}",
            }], { description: "A container that keeps restarting shows here before anything else notices." }),
        ],
    });
}
