/**
 * UIDs of the datasources Grafana's provisioning declares. Dashboards refer to datasources by these UIDs, so a
 * panel can only point at a datasource that exists (re-exported by grafana.ts, which declares them).
 */
export const DATASOURCE_UIDS = { prometheus: "prometheus", jaeger: "jaeger", alertmanager: "alertmanager" } as const;

/** A datasource reference as dashboards and their queries write it. */
export interface DatasourceRef {
    readonly type: string;
    readonly uid: string;
}

/** The Prometheus datasource every dashboard panel queries. */
export const PROMETHEUS_DATASOURCE: DatasourceRef = { type: "prometheus", uid: DATASOURCE_UIDS.prometheus };
