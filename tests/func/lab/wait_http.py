#!/usr/bin/env python3
"""An HTTP server for wait's tests that is not ready at first: it answers
503 to its first FAILS requests, then 200 with the body "status: ok".
Usage: wait_http.py ADDRESS PORT FAILS."""
import http.server
import sys

FAILS = int(sys.argv[3])


class Handler(http.server.BaseHTTPRequestHandler):
    count = 0

    def do_GET(self):
        Handler.count += 1
        ready = Handler.count > FAILS
        body = b"status: ok\n" if ready else b"starting\n"
        self.send_response(200 if ready else 503)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.HTTPServer((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()
