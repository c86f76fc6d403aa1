/** Every tunable threshold of the alert rules; ratios are fractions (0.05 = 5 %). */
export interface AlertThresholds {
    /** Share of API responses that are 5xx, over 5 minutes, that pages. */
    readonly apiErrorRatioCritical: number;
    /** Share of API responses that are 5xx, over 5 minutes, that warns. */
    readonly apiErrorRatioWarning: number;
    /** API P95 latency in seconds that pages. */
    readonly apiLatencyP95CriticalSeconds: number;
    /** API P95 latency in seconds that warns. */
    readonly apiLatencyP95WarningSeconds: number;
    /** Share of `max_connections` in use that warns. */
    readonly postgresConnectionsRatio: number;
    /** Deadlocks in 5 minutes above which we warn. */
    readonly postgresDeadlocksPer5m: number;
    /** Share of transactions rolled back, over 5 minutes, that warns. */
    readonly postgresRollbackRatio: number;
    /** Share of Redis `maxmemory` in use that warns. */
    readonly redisMemoryRatio: number;
    /** Free share of a filesystem below which we page. */
    readonly diskFreeRatioCritical: number;
    /** Only predict a filesystem filling up once its free share is below this (avoids noise on empty disks). */
    readonly diskFillPredictionFreeRatio: number;
    /** Share of host memory in use that pages. */
    readonly memoryUsedRatioCritical: number;
    /** Restarts of one container within 15 minutes that warn. */
    readonly containerRestartsPer15m: number;
    /** Days before a public certificate expires when we page. */
    readonly certificateExpiryCriticalDays: number;
    /** Days before a public certificate expires when we warn. */
    readonly certificateExpiryWarningDays: number;
}

/**
 * The thresholds the source documents' runbooks use, and the usual defaults for the rest. renderAlertRules merges
 * overrides over these; stack configuration has no key for them, so every stack runs with these values.
 */
export const DEFAULT_ALERT_THRESHOLDS: Readonly<AlertThresholds> = {
    apiErrorRatioCritical: 0.05,
    apiErrorRatioWarning: 0.01,
    apiLatencyP95CriticalSeconds: 0.5,
    apiLatencyP95WarningSeconds: 0.2,
    postgresConnectionsRatio: 0.8,
    postgresDeadlocksPer5m: 0,
    postgresRollbackRatio: 0.1,
    redisMemoryRatio: 0.8,
    diskFreeRatioCritical: 0.1,
    diskFillPredictionFreeRatio: 0.4,
    memoryUsedRatioCritical: 0.9,
    containerRestartsPer15m: 2,
    certificateExpiryCriticalDays: 7,
    certificateExpiryWarningDays: 21,
};
