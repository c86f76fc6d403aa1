# Shared by the stand-ins for grafana/grafana:12.2.1, cr.jaegertracing.io/jaegertracing/jaeger:2.11.0 and gcr.io/cadvisor/cadvisor:v0.52.1.
"""What the three stand-ins have in common: checking the files a server would read (as the user it runs as),
reporting every problem at once and exiting non-zero, serving HTTP(S) at a minimum TLS version, the Prometheus text
format, and a prompt stop on SIGTERM (docker stop).

Readability is proven by opening and reading, never by os.access(): a root process without CAP_DAC_OVERRIDE (cAdvisor
with every capability dropped) is refused like anyone else, and only a real read shows it."""

import http.server
import os
import signal
import socketserver
import ssl
import stat
import sys
import threading
import time

TLS_VERSIONS = {
    "1.0": ssl.TLSVersion.TLSv1,
    "1.1": ssl.TLSVersion.TLSv1_1,
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}

_name = "standin"


def set_name(name):
    global _name
    _name = name


def log(message):
    """One line on stderr, flushed: docker logs shows it even when the process dies right after."""
    sys.stderr.write(f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {_name}: {message}\n")
    sys.stderr.flush()


def describe(path):
    """`owner uid:gid, mode 0400` of a path, for messages."""
    try:
        st = os.stat(path)
    except OSError:
        return "not there"
    return f"owner {st.st_uid}:{st.st_gid}, mode {stat.S_IMODE(st.st_mode):04o}"


class Checks:
    """Collects problems so that one start reports all of them, one line each, naming the file and what is wrong."""

    def __init__(self):
        self.problems = []
        self.checked = []

    def problem(self, subject, message):
        line = f"{subject}: {message}"
        if line not in self.problems:
            self.problems.append(line)

    def read(self, path, what, secret=False, binary=False):
        """The content of the file at `path` (named by `what`), or None after recording why it cannot be read.
        A secret must not be readable or writable by group or others: the stack hands each secret to one user, 0400."""
        if not path:
            self.problem(what, "names no file")
            return None
        if not os.path.isabs(path):
            self.problem(path, f"({what}) is not an absolute path")
            return None
        try:
            st = os.stat(path)
        except FileNotFoundError:
            self.problem(path, f"({what}) does not exist")
            return None
        except OSError as error:
            self.problem(path, f"({what}) cannot be looked up as uid {os.geteuid()}: {error.strerror}")
            return None
        if not stat.S_ISREG(st.st_mode):
            kind = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            self.problem(path, f"({what}) is {kind}; a file was expected")
            return None
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            self.problem(path, f"({what}) is not readable by uid {os.geteuid()} gid {os.getegid()} ({describe(path)}): {error.strerror}")
            return None
        if secret and stat.S_IMODE(st.st_mode) & 0o077:
            self.problem(path, f"({what}) is a secret readable or writable beyond its owner ({describe(path)}); expected mode 0400 or 0600")
            return None
        self.checked.append(path)
        if binary:
            return data
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            self.problem(path, f"({what}) is not UTF-8 text")
            return None

    def directory(self, path, what, writable=False):
        """The sorted entries of the directory at `path`, or None after recording why it cannot be listed.
        `writable` proves it by creating and removing a file, as the server's own first write would."""
        if not path or not os.path.isabs(path):
            self.problem(path or what, f"({what}) is not an absolute path")
            return None
        if not os.path.isdir(path):
            self.problem(path, f"({what}) {'is not a directory' if os.path.exists(path) else 'does not exist'}")
            return None
        try:
            entries = sorted(os.listdir(path))
        except OSError as error:
            self.problem(path, f"({what}) cannot be listed by uid {os.geteuid()} ({describe(path)}): {error.strerror}")
            return None
        if writable:
            probe = os.path.join(path, f".standin-write-probe-{os.getpid()}")
            try:
                with open(probe, "w") as handle:
                    handle.write("written by the stand-in to prove this directory is writable\n")
                os.remove(probe)
            except OSError as error:
                self.problem(path, f"({what}) is not writable by uid {os.geteuid()} gid {os.getegid()} ({describe(path)}): {error.strerror}")
                return None
        self.checked.append(path + "/")
        return entries

    def exit_if_failed(self):
        if not self.problems:
            return
        for line in self.problems:
            log(f"error: {line}")
        log(f"refusing to start: {len(self.problems)} problem(s) with the files this server reads")
        sys.exit(1)


def tls_context(checks, cert_file, key_file, min_version, subject, alpn=("http/1.1",)):
    """A server context with the certificate and key at the given minimum version (`1.2`, `1.3`), or None after
    recording the problem. Lower versions are refused in the handshake."""
    cert = checks.read(cert_file, f"{subject} certificate")
    key = checks.read(key_file, f"{subject} private key", secret=True)
    if min_version not in TLS_VERSIONS:
        checks.problem(subject, f"minimum TLS version {min_version!r} is not one of {', '.join(TLS_VERSIONS)}")
        return None
    if cert is None or key is None:
        return None
    if "-----BEGIN CERTIFICATE-----" not in cert:
        checks.problem(cert_file, f"({subject} certificate) holds no PEM certificate")
        return None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = TLS_VERSIONS[min_version]
    try:
        context.load_cert_chain(cert_file, key_file)
    except (ssl.SSLError, OSError) as error:
        checks.problem(cert_file, f"({subject}) certificate and key {key_file} do not load as a pair: {error}")
        return None
    context.set_alpn_protocols(list(alpn))
    return context


def listen_address(endpoint, default_host="0.0.0.0"):
    """(host, port) of a Go-style `host:port` (`:8080`, `0.0.0.0:4317`, `localhost:13133`)."""
    host, _, port = endpoint.rpartition(":")
    host = host.strip("[]") or default_host
    if host == "localhost":
        host = "127.0.0.1"
    return host, int(port)


class Response:
    def __init__(self, status, body=b"", content_type="text/plain; charset=utf-8", headers=None):
        self.status = status
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.headers = {"Content-Type": content_type, **(headers or {})}


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "standin"
    sys_version = ""

    def _answer(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            response = self.server.route(method, self.path, self.headers, body)
        except Exception as error:  # a bug in a route must not take the listener down
            log(f"error answering {method} {self.path}: {error!r}")
            response = Response(500, "internal error\n")
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(response.body)

    def do_GET(self):
        self._answer("GET")

    def do_HEAD(self):
        self._answer("HEAD")

    def do_POST(self):
        self._answer("POST")

    def log_message(self, format, *args):
        pass  # one line per request would drown the start line the suite prints


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, route, context):
        self.route = route
        self.context = context
        super().__init__(address, _Handler)

    def finish_request(self, request, client_address):
        if self.context is not None:
            # The handshake runs in the connection's thread, so a slow or refused client never blocks the listener.
            request.settimeout(10)
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as error:
                log(f"TLS handshake error from {client_address[0]}:{client_address[1]}: {error}")
                request.close()
                return
        super().finish_request(request, client_address)


class _HandshakeOnly(socketserver.ThreadingMixIn, socketserver.TCPServer):
    """A listener that completes the TLS handshake (or just accepts, without TLS) and then holds the connection until
    the client closes it: enough for a port whose protocol (gRPC) the stand-in does not speak."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, context):
        self.context = context
        super().__init__(address, socketserver.BaseRequestHandler)

    def finish_request(self, request, client_address):
        request.settimeout(30)
        if self.context is not None:
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except OSError as error:  # ssl.SSLError included
                log(f"TLS handshake error from {client_address[0]}:{client_address[1]}: {error}")
                request.close()
                return
        try:
            while request.recv(65536):
                pass
        except OSError:
            pass
        finally:
            request.close()


class Listeners:
    """Every listener of one stand-in, started after the checks passed, stopped together on SIGTERM."""

    def __init__(self):
        self.servers = []
        self.descriptions = []

    def http(self, description, host, port, route, context=None):
        self._start(_Server((host, port), route, context), description, host, port, context)

    def handshake_only(self, description, host, port, context=None):
        self._start(_HandshakeOnly((host, port), context), description, host, port, context)

    def _start(self, server, description, host, port, context):
        self.servers.append(server)
        scheme = "tls" if context is not None else "plain"
        self.descriptions.append(f"{description} on {host}:{port} ({scheme}{', min ' + context.minimum_version.name if context else ''})")
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()

    def run_until_stopped(self):
        stop = threading.Event()

        def on_signal(signum, _frame):
            log(f"received {signal.Signals(signum).name}, stopping")
            stop.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        while not stop.wait(3600):
            pass
        for server in self.servers:
            server.shutdown()
            server.server_close()
        sys.exit(0)


def try_listen(checks, listeners, kind, description, host, port, *args):
    """Starts a listener; a port that cannot be bound is a start-up problem like a missing file."""
    try:
        getattr(listeners, kind)(description, host, port, *args)
    except OSError as error:
        checks.problem(f"{host}:{port}", f"({description}) cannot listen: {error.strerror or error}")


def escape_label(value):
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def exposition(families):
    """Prometheus text format 0.0.4 from [(name, type, help, [(labels dict, value)])]."""
    lines = []
    for name, kind, help_text, samples in families:
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            rendered = ",".join(f'{key}="{escape_label(val)}"' for key, val in labels.items())
            lines.append(f"{name}{{{rendered}}} {float(value)!r}" if rendered else f"{name} {float(value)!r}")
    return "\n".join(lines) + "\n"


METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

