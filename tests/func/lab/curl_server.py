# The HTTP/1.1 server of tests/func/curl.t: python's http.server with the
# paths the curl cases ask for (sized, chunked and gzip bodies, redirects,
# statuses, an echo of the request), optionally behind TLS.
import gzip, http.server, socketserver, ssl, sys

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "lab"
    sys_version = ""
    def log_message(self, *args):
        pass
    def date_time_string(self, timestamp=None):
        return "Mon, 07 Dec 2026 12:00:00 GMT"
    def send_body(self, status, body, extra=()):
        self.send_response(status)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
    def do_HEAD(self):
        self.do_GET()
    def chunked(self, parts, extra=()):
        self.send_response(200)
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for part in parts:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
        self.wfile.write(b"0\r\n\r\n")
    def do_GET(self):
        p = self.path
        if p == "/":
            self.send_body(200, b"hello\n", [("X-Lab", "yes")])
        elif p == "/chunked":
            self.chunked([b"first ", b"second ", b"third\n"])
        elif p == "/gzip":
            body = gzip.compress(b"compressed hello\n" * 50)
            if "gzip" in self.headers.get("Accept-Encoding", ""):
                self.send_body(200, body, [("Content-Encoding", "gzip")])
            else:
                self.send_body(200, b"plain\n")
        elif p == "/gzip-chunked":
            body = gzip.compress(b"chunked and compressed\n" * 40)
            self.chunked([body[:30], body[30:]], [("Content-Encoding", "gzip")])
        elif p == "/deflate":
            import zlib
            self.send_body(200, zlib.compress(b"deflated body\n" * 20), [("Content-Encoding", "deflate")])
        elif p == "/badgzip":
            self.send_body(200, b"\x1f\x8b\x08\x00garbage-garbage", [("Content-Encoding", "gzip")])
        elif p == "/redirect":
            self.send_body(302, b"moved\n", [("Location", "/final")])
        elif p == "/absolute":
            self.send_body(301, b"", [("Location", "http://web.lab.test:8080/final")])
        elif p == "/loop":
            self.send_body(302, b"", [("Location", "/loop")])
        elif p == "/final":
            self.send_body(200, b"final\n")
        elif p.startswith("/status/"):
            self.send_body(int(p[8:]), b"status body\n")
        elif p == "/headers":
            self.send_body(200, ("ua=%s referer=%s auth=%s test=%s host=%s\n" % (
                self.headers.get("User-Agent"), self.headers.get("Referer"), self.headers.get("Authorization"),
                self.headers.get("X-Test"), self.headers.get("Host"))).encode())
        elif p == "/dir/file.txt":
            self.send_body(200, b"file contents\n")
        elif p == "/slow":
            import time
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"part")
            self.wfile.flush()
            time.sleep(5)
        elif p == "/short":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"part")
            self.close_connection = True
        elif p == "/short-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"4\r\npart\r\n")
            self.close_connection = True
        elif p == "/reset":
            import socket, struct, time
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"part")
            self.wfile.flush()
            time.sleep(0.2)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif p == "/empty":
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(2)
        else:
            self.send_body(404, b"not found\n")
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(length)
        self.send_body(200, b"%s %s %s\n" % (self.command.encode(), self.headers.get("Content-Type", "").encode(), data))
    do_PUT = do_POST
    do_DELETE = do_POST

class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    address_family = __import__("socket").AF_INET6 if ":" in sys.argv[1] else __import__("socket").AF_INET

server = Server((sys.argv[1], int(sys.argv[2])), Handler)
if len(sys.argv) > 3:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    if len(sys.argv) > 5:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(sys.argv[5])
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
