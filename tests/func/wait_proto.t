#!/bin/bash
# sonde wait's protocol checks against servers in the states real ones pass
# through (tests/func/lab/wait_fake.py): a PostgreSQL starting up (57P03) is
# not ready, one asking for a password is; a Redis loading its dataset is
# not ready; a MySQL with no connection left is a running server; a server
# that accepts and stays silent is none of them.
. "$(dirname "$0")/../lib.sh"
need_root
need_cmd python3 jq ss script runuser
S=10.84.0.2
lab_ns cli
lab_ns srv
lab_link cli 10.84.0.1/24 srv "$S/24" fd84::1/64 fd84::2/64
port=7000
for mode in pg-starting pg-auth redis-loading mysql-toomany silent; do
	port=$((port + 1))
	lab_bg srv python3 "$TESTS_DIR/func/lab/wait_fake.py" "$S" "$port" "$mode"
	lab_wait_listen srv "$port"
done
reason() { printf '%s\n' "$OUT" | jq -r 'select(.type=="attempt") | .reason' | tail -1; }

lab_run cli "$SONDE" wait --json --timeout 1s "postgres://$S:7001"
ok_rc "$RC" 4 "postgres starting up: not ready"
is "$(reason)" "PostgreSQL does not accept connections yet: the database system is starting up" \
	"postgres starting up: says so in PostgreSQL's words"
lab_run cli "$SONDE" wait --json --timeout 2s "postgres://$S:7002"
ok_rc "$RC" 0 "postgres asking for a password: ready"
is "$(reason)" "PostgreSQL accepts connections" "postgres: an authentication request is enough"
lab_run cli "$SONDE" wait --json --timeout 1s "redis://$S:7003"
ok_rc "$RC" 4 "redis loading: not ready"
is "$(reason)" "Redis is not ready: LOADING Redis is loading the dataset in memory" "redis loading: quoted"
lab_run cli "$SONDE" wait --json --timeout 2s "mysql://$S:7004"
ok_rc "$RC" 0 "mysql with too many connections: a running server"
is "$(reason)" "MySQL answers (it refused this client: error 1040: Too many connections)" "mysql: the error quoted"
lab_run cli "$SONDE" wait --timeout 1s "postgres://$S:7005" "mysql://$S:7005" "redis://$S:7005" "http://$S:7005/"
ok_rc "$RC" 4 "silent server: nothing ready"
for t in postgres mysql redis http; do
	like "$ERR" "$t://10\.84\.0\.2:7005/?: connected, but no answer" "silent server: $t says connected, but no answer"
done

# IPv6, and a name from the hosts file (as the libc reads it: getent agrees).
lab_bg srv socat "TCP6-LISTEN:7010,bind=[fd84::2],reuseaddr,fork" SYSTEM:true
lab_wait_listen srv 7010
lab_run cli "$SONDE" wait --timeout 2s "tcp://[fd84::2]:7010"
ok_rc "$RC" 0 "ipv6: tcp://[fd84::2]:PORT"
printf '10.84.0.2 fake.lab.test\n' >"/etc/netns/$(ns cli)/hosts"
lab_run cli "$SONDE" wait --json --timeout 2s dns://fake.lab.test "postgres://fake.lab.test:7002"
ok_rc "$RC" 0 "hosts file: dns:// resolves, and the name serves a target"
like "$OUT" '"target":"postgres://fake.lab.test:7002".*"address":"10\.84\.0\.2"' "hosts file: the address connected to"
is "$(lab_exec cli getent hosts fake.lab.test)" "10.84.0.2       fake.lab.test" "hosts file: getent agrees"

# The progress line: on a terminal's stderr only.
lab_run cli script -qec "$SONDE wait --timeout 700ms tcp://$S:7999" /dev/null
like "$OUT" "waiting [0-9.]+s: 0/1 ready; tcp://10\.84\.0\.2:7999: connection refused" "progress: on a terminal"
lab_run cli "$SONDE" wait --timeout 700ms "tcp://$S:7999"
unlike "$ERR" "waiting" "progress: not when stderr is a file"

# --netns: the driver enters the namespace before wait runs.
run "$SONDE" wait --netns "$(ns cli)" --timeout 2s "postgres://$S:7002"
ok_rc "$RC" 0 "--netns: waits from inside the namespace"

# COMMAND gets what any command run by this user gets (root's capabilities
# here), while wait itself holds none; a setuid sonde lends its identity
# to nobody.
caps_of() { grep -E '^(CapEff|NoNewPrivs)' "$1"; }
lab_run cli "$SONDE" wait dns://localhost -- grep -E '^(CapEff|NoNewPrivs)' /proc/self/status
is "$OUT" "$(lab_exec cli grep -E '^(CapEff|NoNewPrivs)' /proc/self/status)" \
	"command: the same capabilities as when the shell runs it"
lab_bg cli "$SONDE" wait --timeout 3s "tcp://$S:7999"
sleep 0.5
like "$(caps_of "/proc/$LAST_BG_PID/status")" "CapEff:[[:space:]]+0+$" "wait itself: no capability while it waits"
mkdir -p "$LAB_TMP/suid"
chmod 755 "$LAB_TMP" "$LAB_TMP/suid"
cp "$SONDE_BIN" "$LAB_TMP/suid/sonde"
chmod 4755 "$LAB_TMP/suid/sonde"
run runuser -u nobody -- "$LAB_TMP/suid/sonde" wait dns://localhost -- sh -c 'id -u; grep ^CapPrm /proc/self/status'
like "$OUT" "^65534" "setuid sonde: the command runs as the real user"
like "$OUT" "CapPrm:[[:space:]]+0+$" "setuid sonde: with no capability"

done_testing
