#!/usr/bin/python3
"""The container suite's S3-compatible endpoint: moto's backends in memory (S3 chosen by each request's SigV4 scope),
served over TLS with the certificate and key given, one bucket created at start.
Usage: s3-standin CERT KEY BUCKET PORT. Serves until stopped."""
import sys
import threading
import time

import boto3
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import make_server

cert, key, bucket, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
server = make_server("0.0.0.0", port, DomainDispatcherApplication(create_backend_app), threaded=True, ssl_context=(cert, key))
threading.Thread(target=server.serve_forever, daemon=True).start()
# The bucket, over the server's own TLS on loopback (the certificate names the network alias, so no name check here).
s3 = boto3.client("s3", endpoint_url=f"https://127.0.0.1:{port}", region_name="us-east-1", verify=False,
                  aws_access_key_id="standin", aws_secret_access_key="standin")
s3.create_bucket(Bucket=bucket)
print(f"s3-standin: serving bucket {bucket} on :{port} over TLS", flush=True)
while True:
    time.sleep(3600)
