/**
 * Healthchecks that work with the tools an image really carries, whatever the stack's TLS minimum.
 *
 * The prom/* and quay.io/prometheuscommunity/* exporter images are busybox-based: their only HTTP client is busybox
 * `wget`, whose built-in TLS speaks TLS 1.2 only, so an HTTPS check fails forever against a TLS-1.3-only exporter
 * (production). Go's HTTP server answers a plain-HTTP request on its TLS port with
 * `HTTP/1.0 400 Bad Request … Client sent an HTTP request to an HTTPS server.` — a reply only a live TLS listener of
 * that server gives, so the check looks for it. That the TLS handshake and the metrics work is proven by Prometheus's
 * own scrape (`up`, TargetDown).
 */
export function goTlsListenerHealthcheck(port: number): string[] {
    return ["CMD-SHELL", `wget -q -O /dev/null http://127.0.0.1:${port}/ 2>&1 | grep -q 'HTTP/1.0 400'`];
}
