# tests/func/lab/http_hostile.py: a misbehaving HTTP/1.1 server for http_hostile.t;
# the request path picks the misbehaviour.  Usage: http_hostile.py ADDR PORT
import socket, sys, threading, time

def head(status, headers, reason="X"):
    lines = ["HTTP/1.1 %d %s" % (status, reason)] + ["%s: %s" % h for h in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()

def endless(conn):
    # As fast as the client reads, for at most 60 s.
    conn.sendall(head(200, [("Content-Type", "text/plain")], "OK"))
    block = b"x" * 65536
    end = time.monotonic() + 60
    while time.monotonic() < end:
        conn.sendall(block)

def endless_continue(conn):
    interim = b"HTTP/1.1 100 Continue\r\n\r\n"
    for _ in range(200000):      # about 5 MB at most
        conn.sendall(interim)

REPLIES = {
    "/gzip-chunked": head(200, [("Transfer-Encoding", "gzip, chunked")]) + b"5\r\nhello\r\n0\r\n\r\n",
    "/gzip": head(200, [("Transfer-Encoding", "gzip")]) + b"hello",
    "/javascript": head(302, [("Location", "javascript:alert(1)"), ("Content-Length", "0")]),
    "/empty-location": head(302, [("Location", ""), ("Content-Length", "0")]),
    "/ftp": head(302, [("Location", "ftp://ftp.lab.test/file"), ("Content-Length", "0")]),
    "/cl-negative": head(200, [("Content-Length", "-1")]) + b"hello",
    "/cl-list": head(200, [("Content-Length", "5, 5")]) + b"hello",
    "/cl-long": head(200, [("Content-Length", "12345678901234567890123")]) + b"hello",
}

def serve(conn):
    try:
        request = b""
        while b"\r\n\r\n" not in request and len(request) < 65536:
            data = conn.recv(4096)
            if not data:
                return
            request += data
        path = request.split(b" ")[1].decode()
        if path == "/endless":
            endless(conn)
        elif path == "/continue":
            endless_continue(conn)
        else:
            conn.sendall(REPLIES.get(path, head(404, [("Content-Length", "0")])))
    except OSError:
        pass
    finally:
        conn.close()

server = socket.create_server((sys.argv[1], int(sys.argv[2])))
while True:
    conn, _ = server.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
