#!/bin/sh
# Writes the Prometheus scrape jobs of the node mesh: for each prober node,
# one job probing every node (Kubernetes node discovery, the InternalIP)
# through that node's sonde serve (hostNetwork, port 9115), with the icmp
# module and with tcp_connect to the kubelet (10250).  Series carry
# from="PROBER" and instance="TARGET NODE":
#   probe_success{job="sonde-mesh-icmp-node-a",from="node-a",instance="node-b"}
# Input: "NAME ADDRESS" lines, one per node, e.g.
#   kubectl get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}' |
#     packaging/kubernetes/mesh-scrape.sh >mesh.yaml
# and include mesh.yaml's jobs in prometheus.yml's scrape_configs (rerun it
# when nodes come and go).
set -eu
echo "scrape_configs:"
while read -r name address; do
	[ -n "$name" ] || continue
	case $address in *:*) prober="[$address]:9115" ;; *) prober="$address:9115" ;; esac
	for probe in "icmp icmp" "kubelet tcp_connect"; do
		set -- $probe
		cat <<EOJ
  - job_name: sonde-mesh-$1-$name
    metrics_path: /probe
    params:
      module: [$2]
    kubernetes_sd_configs:
      - role: node
    relabel_configs:
      - source_labels: [__meta_kubernetes_node_address_InternalIP]
        regex: (.+)
        replacement: '\${1}$([ "$1" = kubelet ] && echo ':10250')'
        target_label: __param_target
      - source_labels: [__meta_kubernetes_node_name]
        target_label: instance
      - target_label: __address__
        replacement: '$prober'
      - target_label: from
        replacement: '$name'
EOJ
	done
done
