#!/usr/bin/env python3
"""Test server for jwtaudit's network tests (Python 3 standard library only).

Serves --root (a folder laid out like login.microsoftonline.com) over HTTPS (--cert/--key) or plain HTTP,
or acts as a CONNECT proxy (--proxy). Prints "PORT <n>" on stdout once listening on 127.0.0.1:<n>.
Exits when stdin closes, so a test that dies never leaves it behind.

In served files, "{{BASE}}" is replaced by the server's own base URL (scheme://127.0.0.1:port).
Every request's path is appended to --log (one line each) before it is answered.

Special paths:
  /status/<code>           that status, JSON body
  /redirect/<n>            302 to /redirect/<n-1>; /redirect/0 serves {"keys":[]}
  /redirect-to-http        302 to http://127.0.0.1:<port>/jwks.json (same port, plain scheme)
  /max-age/<n>/<file>      <file> from root with "Cache-Control: max-age=<n>"
  /slow/<seconds>          sleeps, then {"keys":[]}
  /oversize                1 MiB + 1 bytes of JSON
  /not-json                an HTML page with status 200
"""
import argparse, os, selectors, socket, ssl, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

args = None
log_lock = threading.Lock()


def log_request(line):
    if args.log:
        with log_lock, open(args.log, "a") as f:
            f.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def base(self):
        scheme = "https" if args.cert else "http"
        return "%s://127.0.0.1:%d" % (scheme, self.server.server_address[1])

    def send(self, status, body, content_type="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass

    def serve_file(self, rel, headers=()):
        root = os.path.realpath(args.root)
        path = os.path.realpath(os.path.join(root, rel.lstrip("/")))
        if not path.startswith(root + os.sep) or not os.path.isfile(path):
            return self.send(404, b'{"error":"not found"}')
        with open(path, "rb") as f:
            body = f.read().replace(b"{{BASE}}", self.base().encode())
        self.send(200, body, headers=headers)

    def do_GET(self):
        p = self.path.split("?", 1)[0]
        log_request("GET " + p + " UA=" + (self.headers.get("User-Agent") or "") + " ACCEPT=" + (self.headers.get("Accept") or ""))
        parts = p.strip("/").split("/")
        if parts[0] == "status" and len(parts) == 2:
            return self.send(int(parts[1]), b'{"error":"status %s"}' % parts[1].encode())
        if parts[0] == "redirect" and len(parts) == 2:
            n = int(parts[1])
            if n == 0:
                return self.send(200, b'{"keys":[]}')
            return self.send(302, b"", headers=[("Location", "/redirect/%d" % (n - 1))])
        if parts[0] == "redirect-to-http":
            port = self.server.server_address[1]
            return self.send(302, b"", headers=[("Location", "http://127.0.0.1:%d/jwks.json" % port)])
        if parts[0] == "max-age" and len(parts) >= 3:
            return self.serve_file("/".join(parts[2:]), headers=[("Cache-Control", "public, max-age=%s" % parts[1])])
        if parts[0] == "slow" and len(parts) == 2:
            time.sleep(float(parts[1]))
            return self.send(200, b'{"keys":[]}')
        if parts[0] == "oversize":
            body = b'{"keys":[],"pad":"' + b"x" * ((1 << 20) + 1 - 20) + b'"}'
            return self.send(200, body)
        if parts[0] == "not-json":
            return self.send(200, b"<html><body>Sign in</body></html>", content_type="text/html")
        return self.serve_file(p)

    def do_CONNECT(self):
        log_request("CONNECT " + self.path)
        if not args.proxy:
            return self.send(405, b"")
        host, _, port = self.path.rpartition(":")
        try:
            upstream = socket.create_connection((host, int(port)), timeout=5)
        except OSError:
            return self.send(502, b"")
        # The tunnel lives until either side closes it. An idle limit as short as the connect timeout closed
        # tunnels mid-handshake when a loaded machine starved the test's client or server for 5 s (the client then
        # saw SSL_ERROR_SYSCALL); a minute only stops a tunnel a test abandoned.
        upstream.settimeout(None)
        self.send_response(200, "Connection established")
        self.end_headers()
        # A selector (epoll), not select(): select() refuses descriptors past 1024, and a test process that leaked
        # descriptors once handed this process that many (ValueError, and the client saw SSL_ERROR_SYSCALL).
        sel = selectors.DefaultSelector()
        sel.register(self.connection, selectors.EVENT_READ)
        sel.register(upstream, selectors.EVENT_READ)
        try:
            while True:
                ready = sel.select(60)
                if not ready:
                    break
                for key, _ in ready:
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    (upstream if key.fileobj is self.connection else self.connection).sendall(data)
        finally:
            sel.close()
            upstream.close()
            self.close_connection = True


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=".")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--log")
    ap.add_argument("--proxy", action="store_true")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        # Handshake in the handler thread, so a client that aborts it cannot stall the accept loop.
        server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdout.write("PORT %d\n" % server.server_address[1])
    sys.stdout.flush()
    # Exit when the test closes our stdin (or dies).
    while sys.stdin.buffer.read(4096):
        pass
    os._exit(0)


if __name__ == "__main__":
    main()
