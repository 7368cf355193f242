#!/usr/bin/env python3
"""The HTTP targets of serve's tests: /ok answers 200 with a Last-Modified,
/missing 404, /redirect a 302 to /ok, /slow 200 after 3 s; POST as GET.
HTTP/1.1 with Content-Length.  Usage: serve_http.py ADDRESS PORT."""
import http.server
import socketserver
import sys
import time


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        status, headers, body = 404, {}, b"not here\n"
        if self.path == "/ok":
            status, body = 200, b"status: ok\n"
            headers["Last-Modified"] = "Wed, 21 Oct 2015 07:28:00 GMT"
        elif self.path == "/redirect":
            status, body = 302, b""
            headers["Location"] = "/ok"
        elif self.path == "/slow":
            time.sleep(3)
            status, body = 200, b"late\n"
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    do_GET = answer
    do_POST = answer

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


Server((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()
