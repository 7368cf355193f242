# tests/func/lab/knot_lab.bash — knotd serving one zone in a lab namespace,
# sourced after tests/lib.sh (serve_dns.t, doctor.t):
#
#   KNOT_DIR                      where the zone file goes ($LAB_TMP/knot):
#                                 the configuration, state and control
#                                 socket are kept there too
#   knot_up NS DOMAIN ZONEFILE LISTEN...
#                                 knotd in namespace NS, authoritative for
#                                 DOMAIN from ZONEFILE, on each LISTEN
#                                 (ADDR@PORT); returns once it listens on
#                                 UDP port 53, its pid in KNOT_PID (the
#                                 test bails out if it does not start)
KNOT_DIR=$LAB_TMP/knot
mkdir -p "$KNOT_DIR/run" "$KNOT_DIR/db"

knot_up() {
	local ns=$1 domain=$2 zonefile=$3 listen
	shift 3
	listen=$(printf '%s, ' "$@")
	# The zone is never written back (zonefile-sync: -1): the test's file
	# stays as it wrote it.
	cat >"$KNOT_DIR/knot.conf" <<CONF
server:
    listen: [ ${listen%, } ]
    rundir: "$KNOT_DIR/run"
database:
    storage: "$KNOT_DIR/db"
control:
    listen: "$KNOT_DIR/run/knot.sock"
log:
  - target: stderr
    any: warning
zone:
  - domain: $domain
    file: "$zonefile"
    storage: "$KNOT_DIR/db"
    zonefile-sync: -1
CONF
	lab_bg "$ns" knotd -c "$KNOT_DIR/knot.conf"
	KNOT_PID=$LAST_BG_PID
	lab_wait_listen "$ns" 53 udp || { echo "Bail out! knotd did not start"; cat "$LAB_TMP/bg.log"; exit 1; }
}
