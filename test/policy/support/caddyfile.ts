import { compliantContainer, upload } from "./fixtures";

/** A Caddyfile shaped like the edge's: unprivileged ports, a shared header snippet, one site per endpoint. */
export const CADDYFILE = `{
	http_port 8080
	https_port 8443
	email ops@example.com
}

(security_headers) {
	header {
		Strict-Transport-Security "max-age=31536000; includeSubDomains"
		Content-Security-Policy "default-src 'self'; frame-ancestors 'none'"
		X-Frame-Options "DENY"
		X-Content-Type-Options "nosniff"
		Referrer-Policy "strict-origin-when-cross-origin"
		-Server
	}
}

api.staging.example.com {
	import security_headers
	reverse_proxy https://api:8443 {
		transport http {
			tls_trusted_ca_certs /etc/caddy/tls/ca.crt
		}
	}
}

grafana.staging.example.com {
	import security_headers
	reverse_proxy https://grafana:3000
}
`;

/** The edge container as the program declares it: Caddy published on 80 and 443, its Caddyfile uploaded. */
export const edge = compliantContainer("service-stack-test-edge", {
    user: "0:0",
    ports: [
        { internal: 8080, external: 80, ip: "0.0.0.0", protocol: "tcp" },
        { internal: 8443, external: 443, ip: "0.0.0.0", protocol: "tcp" },
    ],
    uploads: [upload("/etc/caddy/Caddyfile", CADDYFILE)],
});
