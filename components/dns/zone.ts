/** Throws unless every hostname is `zone` itself or a name below it: a record outside its zone cannot be created there. */
export function requireHostnamesInZone(component: string, zone: string, hostnames: readonly string[]): void {
    for (const host of hostnames) {
        if (host !== zone && !host.endsWith(`.${zone}`)) {
            throw new Error(`${component} \`hostnames\` has "${host}", which is outside the zone "${zone}".`);
        }
    }
}

/** The resource name of a hostname's record: `<name>-<its first label>` (`…-dns-grafana`). */
export function recordName(name: string, host: string): string {
    return `${name}-${host.split(".")[0]}`;
}
