# tests/func/lab/iperf3_lab.bash — the lab the iperf3 tests share, sourced
# after tests/lib.sh:
#
#   iperf3_lab             namespaces cli (10.77.0.1, fd77::1) and srv
#                          (10.77.0.2, fd77::2) joined by a veth
#   iperf3_server NAME CMD...  a server in srv, its output in $LAB_TMP/NAME.log
#   iperf3_mask            stdin to stdout with what differs between two runs
#                          masked (figures, stream ids, ports), the layout kept:
#                          iperf3's fields are fixed-width, so a mask that keeps
#                          each field's width shows a layout difference
#   json_keys FILE         every key path of a JSON document, sorted

iperf3_lab() {
	lab_ns cli
	lab_ns srv
	lab_link cli 10.77.0.1/24 srv 10.77.0.2/24 fd77::1/64 fd77::2/64
}

iperf3_server() { # NAME CMD...
	local name=$1
	shift
	lab_bg srv bash -c 'exec "$@" >>"'"$LAB_TMP/$name.log"'" 2>&1' _ "$@"
}

# Figures of 4 places with a unit become "#### Us"; retransmit counts
# (as wide as they need past 3) "RRR"; stream ids "[ID]"; ports "P"; the
# remaining digits 9.
iperf3_mask() {
	sed -E 's/^\[ *[0-9]+\]/[ID]/; s/[ 0-9.]{4} [KMGT]?(Byte|bit)s/#### Us/g; s#/sec +[0-9]+ #/sec  RRR #;
		s/port [0-9]+/port P/g; s/[0-9]/9/g'
}

json_keys() { # FILE
	python3 - "$1" <<'PY'
import json, sys
def walk(value, path, out):
    if isinstance(value, dict):
        for key, sub in value.items():
            out.add(path + "/" + key)
            walk(sub, path + "/" + key, out)
    elif isinstance(value, list):
        for sub in value:
            walk(sub, path + "[]", out)
keys = set()
walk(json.load(open(sys.argv[1])), "", keys)
print("\n".join(sorted(keys)))
PY
}

iperf3_bytes_text() { # BYTES: as iperf3 prints a byte count ("13.1 MBytes")
	python3 - "$1" <<'PY'
import sys
value, units = float(sys.argv[1]), ["Bytes", "KBytes", "MBytes", "GBytes", "TBytes"]
unit = 0
while value >= 1024 and unit < 4:
    value /= 1024
    unit += 1
fmt = "%4.2f %s" if value < 9.995 else "%4.1f %s" if value < 99.95 else "%4.0f %s"
print(fmt % (value, units[unit]))
PY
}

wait_for_log() { # FILE REGEX: until a line of FILE matches (a server's summary is out), 10 s at most
	local i
	for i in $(seq 1 100); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	diag "nothing in $1 matches $2"
}
