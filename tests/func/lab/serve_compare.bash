# sonde serve beside prometheus-blackbox-exporter, for serve*.t: the caller
# sets SCRAPE_NS (the lab namespace the scrapes run in) and SCRAPE_HOST (the
# address both exporters listen on: sonde on 9115, blackbox_exporter on 9116).

# scrape PORT QUERY [curl options]: the answer's body, then its status line.
scrape() {
	local port=$1 query=$2
	shift 2
	lab_exec "$SCRAPE_NS" curl -s -w '%{http_code}\n' -H 'X-Prometheus-Scrape-Timeout-Seconds: 2' "$@" \
		"http://$SCRAPE_HOST:$port/probe?$query"
}
# Timings differ between any two runs; sonde's own failure family is extra.
timings_aside() {
	grep -v '^sonde_probe_failure_info' | grep -v '^# [A-Z]* sonde_probe_failure_info' |
		sed -E 's/^((probe_duration_seconds|probe_dns_lookup_time_seconds|probe_dns_duration_seconds|probe_http_duration_seconds|probe_icmp_duration_seconds)[^ ]*) .*/\1 T/'
}
promtool_ok() { # TEXT NAME
	local out
	out=$(printf '%s\n' "$1" | sed '$d' | promtool check metrics 2>&1)
	[ $? = 0 ] && pass "$2: promtool check metrics accepts it" || fail "$2: promtool check metrics accepts it" "$out"
}
# same MODULE TARGET WHAT REASON: both answer alike; sonde's failure reason is REASON ("" for success).
same() {
	local sonde blackbox
	sonde=$(scrape 9115 "module=$1&target=$2")
	blackbox=$(scrape 9116 "module=$1&target=$2")
	is "$(printf '%s\n' "$sonde" | timings_aside)" "$(printf '%s\n' "$blackbox" | timings_aside)" \
		"$1 $3: the same families, labels and values as blackbox_exporter"
	if [ -n "$4" ]; then
		like "$sonde" "^sonde_probe_failure_info\{reason=\"$4\"\} 1$" "$1 $3: sonde_probe_failure_info says $4"
	else
		unlike "$sonde" "sonde_probe_failure_info" "$1 $3: no failure reason on success"
	fi
	promtool_ok "$sonde" "$1 $3"
}
