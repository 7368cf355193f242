#!/bin/bash
# sonde wait against Debian's database servers, started by the test in a
# lab namespace (srv, 10.82.0.2) after wait has begun: PostgreSQL, MariaDB
# (the MySQL protocol) and Redis, each compared with its own client's
# readiness check (pg_isready, mariadb-admin ping, redis-cli ping).  wait
# must call them ready only once they answer their protocol.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd jq runuser pg_isready redis-server redis-cli mariadbd mariadb-install-db mariadb-admin
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$PGBIN/postgres" ] || skip_all "needs Debian's postgresql"

S=10.82.0.2
lab_ns cli
lab_ns srv
lab_link cli 10.82.0.1/24 srv "$S/24"
chmod 755 "$LAB_TMP"
mkdir -p "$LAB_TMP/pg" "$LAB_TMP/my"
chown postgres "$LAB_TMP/pg"
chown mysql "$LAB_TMP/my"

# The data directories are made side by side (5-10 s on a loaded machine),
# while nothing listens yet.
runuser -u postgres -- "$PGBIN/initdb" -D "$LAB_TMP/pg/data" -A trust -U postgres --no-sync >/dev/null 2>&1 &
initdb_pid=$!
mariadb-install-db --no-defaults --datadir="$LAB_TMP/my/data" --user=mysql --skip-test-db \
	--auth-root-authentication-method=normal >/dev/null 2>&1 &
install_pid=$!

# wait begins before any server: refused first, then ready.
lab_bg cli sh -c "'$SONDE' wait --json --timeout 60s postgres://$S mysql://$S redis://$S >'$LAB_TMP/wait.json' 2>'$LAB_TMP/wait.err'; echo \$? >'$LAB_TMP/wait.rc'"
wait_pid=$LAST_BG_PID
wait "$initdb_pid" && wait "$install_pid" || { echo "Bail out! cannot make the database directories"; exit 1; }
sleep 0.5
like "$(cat "$LAB_TMP/wait.json")" '"reason":"connection refused"' "before the servers: connection refused"

lab_bg srv redis-server --bind "$S" 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize no \
	--protected-mode no --dir "$LAB_TMP"
lab_bg srv runuser -u postgres -- "$PGBIN/postgres" -D "$LAB_TMP/pg/data" -k "$LAB_TMP/pg" \
	-c listen_addresses="$S" -p 5432 -c fsync=off
lab_bg srv mariadbd --no-defaults --datadir="$LAB_TMP/my/data" --user=mysql --port=3306 \
	--bind-address="127.0.0.1,$S" --socket="$LAB_TMP/my/sock" --pid-file="$LAB_TMP/my/pid" \
	--skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=16M
for i in $(seq 1 300); do
	[ -s "$LAB_TMP/wait.rc" ] && break
	sleep 0.1
done
is "$(cat "$LAB_TMP/wait.rc" 2>/dev/null)" 0 "all three servers ready, wait exits 0"
is "$(jq -r 'select(.type=="summary") | [.targets[].ready] | all' "$LAB_TMP/wait.json")" true \
	"the summary: every target ready"
like "$(jq -r 'select(.type=="attempt" and .ready) | .reason' "$LAB_TMP/wait.json" | tr '\n' ,)" \
	"PostgreSQL accepts connections \(it answered: no pg_hba.conf entry for host \"10\.82\.0\.1\"" \
	"postgres: ready, though pg_hba.conf has no entry for this client (as pg_isready judges)"
like "$(jq -r 'select(.type=="attempt" and .ready) | .reason' "$LAB_TMP/wait.json" | tr '\n' ,)" \
	"MySQL answers \(it refused this client: error 1130: Host '10\.82\.0\.1' is not allowed" \
	"mysql: ready, though this client's host is not allowed"
like "$(jq -r 'select(.type=="attempt" and .ready) | .reason' "$LAB_TMP/wait.json" | tr '\n' ,)" \
	"Redis answers PONG" "redis: ready on PONG"

lab_run cli pg_isready -h "$S" -p 5432
ok_rc "$RC" 0 "pg_isready agrees"
lab_run srv mariadb-admin --no-defaults -h 127.0.0.1 -P 3306 ping
ok_rc "$RC" 0 "mariadb-admin ping agrees (from srv, where its user is allowed)"
# From cli, MariaDB 10.11's client sees the same refusal but counts it as
# down (it cannot verify an error sent before TLS): docs/wait.md says so.
lab_run cli mariadb-admin --no-defaults -h "$S" -P 3306 ping
like "$ERR" "1130 - Host '10\.82\.0\.1' is not allowed" "mariadb-admin from cli gets the same error 1130"
lab_run cli redis-cli -h "$S" -p 6379 ping
is "$OUT" PONG "redis-cli ping agrees"

# From inside srv, MariaDB's localhost user is allowed: the handshake.
lab_run srv "$SONDE" wait --json --timeout 5s mysql://127.0.0.1
like "$(printf '%s\n' "$OUT" | head -1 | jq -r .reason)" "^MySQL protocol 10, server [0-9.-]+-MariaDB" \
	"mysql: the handshake packet names the server"

# Redis with a password: -NOAUTH is a running Redis.
lab_run srv redis-cli -h 127.0.0.1 config set requirepass sekret
lab_run cli "$SONDE" wait --json --timeout 5s "redis://$S"
ok_rc "$RC" 0 "redis with requirepass: ready"
is "$(printf '%s\n' "$OUT" | head -1 | jq -r .reason)" "Redis answers (it wants AUTH)" "redis: NOAUTH says it wants AUTH"
lab_run cli redis-cli -h "$S" ping
like "$OUT$ERR" "NOAUTH" "redis-cli ping gets NOAUTH too"

# A PostgreSQL that shuts down: not ready once it stops answering.
kill -INT "$(head -1 "$LAB_TMP/pg/data/postmaster.pid")"
for i in $(seq 1 100); do
	lab_exec cli pg_isready -q -h "$S" -p 5432 || break
	sleep 0.1
done
lab_run cli "$SONDE" wait --timeout 1s "postgres://$S"
ok_rc "$RC" 4 "postgres stopped: wait times out"
like "$ERR" "postgres://10\.82\.0\.2: (connection refused|PostgreSQL does not accept connections yet: the database system is shutting down)" \
	"postgres stopped: says why"
kill "$wait_pid" 2>/dev/null

done_testing
