#!/usr/bin/env python3
"""Servers that answer wait's protocol checks in the ways real ones do in
their other states, for tests/func/wait_proto.t.  Usage: wait_fake.py
ADDRESS PORT MODE, MODE one of
  pg-starting    a PostgreSQL starting up: FATAL 57P03 to the startup message
  pg-auth        a PostgreSQL asking for a SCRAM password
  redis-loading  a Redis loading its dataset: -LOADING to PING
  mysql-toomany  a MySQL with no connection left: error packet 1040
  silent         accepts and says nothing"""
import socket
import struct
import sys
import threading
import time


def pg_error(code, message):
    fields = b"SFATAL\0VFATAL\0C" + code.encode() + b"\0M" + message.encode() + b"\0\0"
    return b"E" + struct.pack("!I", 4 + len(fields)) + fields


def answer(conn, mode):
    if mode.startswith("pg-"):
        head = conn.recv(8)
        length = struct.unpack("!I", head[:4])[0]
        conn.recv(length - 8)
        if mode == "pg-starting":
            conn.sendall(pg_error("57P03", "the database system is starting up"))
        else:
            mech = b"SCRAM-SHA-256\0\0"
            conn.sendall(b"R" + struct.pack("!II", 8 + len(mech), 10) + mech)
    elif mode == "redis-loading":
        conn.recv(64)
        conn.sendall(b"-LOADING Redis is loading the dataset in memory\r\n")
    elif mode == "mysql-toomany":
        msg = b"Too many connections"
        payload = b"\xff" + struct.pack("<H", 1040) + msg
        conn.sendall(struct.pack("<I", len(payload))[:3] + b"\0" + payload)
    time.sleep(2)
    conn.close()


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((sys.argv[1], int(sys.argv[2])))
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=answer, args=(conn, sys.argv[3]), daemon=True).start()


main()
