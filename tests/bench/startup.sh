#!/bin/bash
# Cold start: `sonde --version` against /bin/true, side by side in one
# hyperfine run (median of many runs), and the stripped binary's size.
# No namespace: nothing here touches the network.
RUNS=${RUNS:-300}
. "$(dirname "$0")/lab.sh"
set -e
bench_need hyperfine strip python3
tmp=$LAB_TMP
strip -o "$tmp/sonde" "$SONDE"
echo "binary: $(stat -c %s "$SONDE") bytes, stripped: $(stat -c %s "$tmp/sonde") bytes ($(( $(stat -c %s "$tmp/sonde") / 1024 )) KiB)"

hyperfine -N --warmup 20 --runs "$RUNS" --export-json "$tmp/startup.json" \
	"$tmp/sonde --version" "/bin/true" >/dev/null 2>&1
python3 - "$tmp/startup.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
med = {r["command"]: r["median"] * 1e6 for r in results}
sonde = next(v for k, v in med.items() if "sonde" in k)
true = med["/bin/true"]
print(f"cold start (median of {len(results[0]['times'])} runs): sonde --version {sonde:.0f} us, "
      f"/bin/true {true:.0f} us, ratio {sonde / true:.2f}")
PY
