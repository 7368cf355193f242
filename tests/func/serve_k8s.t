#!/bin/bash
# packaging/kubernetes: the DaemonSet, Service and Prometheus scrape
# configuration for sonde serve, parsed as YAML and checked for what
# docs/serve.md promises (hostNetwork, NET_RAW only, limits, --allow, the
# Service selecting the pods), and the mesh jobs mesh-scrape.sh writes for a
# node list accepted by `promtool check config`.  Nothing is applied to a
# cluster: none is available here (docs/serve.md says so).
. "$(dirname "$0")/../lib.sh"
need_cmd python3 promtool
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed"
K8S=$TESTS_DIR/../packaging/kubernetes

check() { # NAME PYTHON-EXPRESSION-ON-d (the file's documents)
	local file=$1 expr=$2 name=$3 got
	got=$(python3 -c '
import sys, yaml
d = list(yaml.safe_load_all(open(sys.argv[1])))
print(eval(sys.argv[2]))' "$K8S/$file" "$expr" 2>&1)
	is "$got" "True" "$name"
}
pod='d[0]["spec"]["template"]["spec"]'
ctr="$pod[\"containers\"][0]"
check daemonset.yaml 'd[0]["kind"] == "DaemonSet"' "daemonset.yaml is a DaemonSet"
check daemonset.yaml "$pod[\"hostNetwork\"] is True" "DaemonSet: hostNetwork"
check daemonset.yaml "$ctr[\"securityContext\"][\"capabilities\"] == {\"drop\": [\"ALL\"], \"add\": [\"NET_RAW\"]}" \
	"DaemonSet: NET_RAW only, every other capability dropped"
check daemonset.yaml "set($ctr[\"resources\"][\"limits\"]) == {\"cpu\", \"memory\"}" "DaemonSet: CPU and memory limits"
check daemonset.yaml "$ctr[\"args\"][0] == \"serve\" and any(a.startswith(\"--allow=\") for a in $ctr[\"args\"])" \
	"DaemonSet: runs sonde serve with --allow"
check daemonset.yaml "$pod[\"containers\"][0][\"ports\"][0][\"containerPort\"] == 9115" "DaemonSet: port 9115"
check service.yaml 'd[0]["kind"] == "Service" and d[0]["spec"]["selector"] == {"app.kubernetes.io/name": "sonde-serve"}' \
	"service.yaml selects the DaemonSet's pods"
is "$(python3 -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["spec"]["template"]["metadata"]["labels"])' \
	"$K8S/daemonset.yaml")" "{'app.kubernetes.io/name': 'sonde-serve'}" "the pods carry the Service's label"

# The scrape configuration and three nodes' mesh, as prometheus.yml.
{
	echo "global: { scrape_interval: 30s }"
	cat "$K8S/prometheus-scrape.yaml" | grep -v '^#'
	printf 'node-a 10.0.0.1\nnode-b 10.0.0.2\nnode-c fd00::3\n' | "$K8S/mesh-scrape.sh" | sed 1d
} >"$LAB_TMP/prometheus.yml"
# Debian's prometheus is built without Kubernetes discovery: promtool checks
# the rest (relabelling, params, paths) with static targets in its place.
python3 -c '
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
for job in c["scrape_configs"]:
    assert job.pop("kubernetes_sd_configs")
    job["static_configs"] = [{"targets": ["192.0.2.1:9115"]}]
yaml.safe_dump(c, open(sys.argv[2], "w"))' "$LAB_TMP/prometheus.yml" "$LAB_TMP/static.yml"
run promtool check config "$LAB_TMP/static.yml"
ok_rc "$RC" 0 "promtool check config accepts the scrape jobs and the mesh (static targets for Kubernetes discovery)"
jobs=$(python3 -c 'import sys, yaml; print(" ".join(j["job_name"] for j in yaml.safe_load(open(sys.argv[1]))["scrape_configs"]))' \
	"$LAB_TMP/prometheus.yml")
is "$jobs" "sonde-serve sonde-mesh-icmp-node-a sonde-mesh-kubelet-node-a sonde-mesh-icmp-node-b sonde-mesh-kubelet-node-b sonde-mesh-icmp-node-c sonde-mesh-kubelet-node-c" \
	"mesh-scrape.sh: an icmp and a kubelet job per prober node"
like "$(cat "$LAB_TMP/prometheus.yml")" "replacement: '\[fd00::3\]:9115'" "mesh-scrape.sh: an IPv6 prober in brackets"

done_testing
