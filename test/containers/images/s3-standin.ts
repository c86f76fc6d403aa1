// The container suite's S3-compatible endpoint (a test fixture like its webhook receiver, not an official image): moto's S3 backend served over TLS.
import { Recipe } from "./recipe";

/** The reference the suite runs it by. */
export const S3_STANDIN_IMAGE = "service-stack-suite/s3-standin:moto-5.1.1";

export const recipe: Recipe = {
    name: "s3-standin",
    standsInFor: [S3_STANDIN_IMAGE],
    // Debian's python3-moto (trixie 5.1.1) brings Flask and Werkzeug, which serve its backends over HTTP(S); its server
    // module also imports flask_cors, which Debian's package does not depend on.
    suite: "trixie",
    packages: { "python3-moto": "5.1.1-4", "python3-flask-cors": "6.0.1-1" },
    files: [{ source: "s3-standin/s3-standin.py", target: "/usr/local/bin/s3-standin", mode: 0o755 }],
    layout: { kind: "debian" },
    config: {
        user: "65534:65534",
        env: {},
        entrypoint: ["/usr/local/bin/s3-standin"],
        expose: ["9443"],
    },
    checks: [
        { argv: ["python3", "-c", "import moto; print(moto.__version__)"], expect: /^5\.1\.1$/m },
        { argv: ["python3", "-c", "from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app; print('ok')"], expect: /^ok$/m },
        // Serves S3 over TLS and creates the bucket (a throwaway self-signed pair made in the container).
        {
            argv: ["bash", "-c", "cd /tmp && python3 -c \"from cryptography import x509; from cryptography.x509.oid import NameOID; from cryptography.hazmat.primitives import hashes, serialization; from cryptography.hazmat.primitives.asymmetric import ec; import datetime; k = ec.generate_private_key(ec.SECP256R1()); n = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'localhost')]); now = datetime.datetime.now(datetime.timezone.utc); c = x509.CertificateBuilder().subject_name(n).issuer_name(n).public_key(k.public_key()).serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1)).sign(k, hashes.SHA256()); open('c.pem', 'wb').write(c.public_bytes(serialization.Encoding.PEM)); open('k.pem', 'wb').write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))\" && (timeout 20 /usr/local/bin/s3-standin c.pem k.pem check-bucket 9443 &) && sleep 8"],
            expect: /s3-standin: serving bucket check-bucket on :9443 over TLS/,
        },
    ],
};
