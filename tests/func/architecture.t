#!/bin/bash
# The code's shape (docs/architecture.md), checked on the objects the build
# made, so a call that breaks it fails here rather than in review:
#   - libcore calls nothing in applets/ (the driver receives the applet table);
#   - no two files of applets/ or of libcore/ call each other in a loop
#     (calls run one way: NAME.c -> pieces -> NAME_common.c -> libcore);
#   - an applet's private header is NAME_impl.h and its output piece NAME_out.c.
# Calls are read from the objects' symbol tables (nm): file A calls file B
# when A leaves undefined a symbol that B defines.
. "$(dirname "$0")/../lib.sh"
need_cmd nm python3
TOP=$(cd "$TESTS_DIR/.." && pwd)
BUILD_DIR=$(dirname "$SONDE")
if ! ls "$BUILD_DIR"/applets/*.o >/dev/null 2>&1; then
	skip "call graph" "no object files next to $SONDE (an installed binary?)"
	done_testing
fi

callgraph() { # MODE: up | cycles
	python3 - "$BUILD_DIR" "$TOP" "$1" <<'PY'
import glob, os, subprocess, sys
build, top, mode = sys.argv[1], sys.argv[2], sys.argv[3]
# The objects of today's sources only: a renamed source leaves its old
# object behind in a build directory.
sources = glob.glob('applets/*.c', root_dir=top) + glob.glob('libcore/**/*.c', root_dir=top, recursive=True)
names = sorted(source[:-2] for source in sources)
defined_in, undefined = {}, {}
for name in names:
    obj = os.path.join(build, name + '.o')
    if not os.path.exists(obj):
        sys.exit(f'{obj} is missing: build first')
    symbols = subprocess.run(['nm', '-P', obj], capture_output=True, text=True, check=True).stdout
    undefined[name] = set()
    for line in symbols.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        if fields[1] == 'U':
            undefined[name].add(fields[0])
        elif fields[1] in 'TDBRCGSVW':
            defined_in.setdefault(fields[0], name)
calls = {name: sorted({defined_in[s] for s in syms if s in defined_in and defined_in[s] != name})
         for name, syms in undefined.items()}
if mode == 'up':
    for name, callees in sorted(calls.items()):
        for callee in callees:
            if name.startswith('libcore/') and callee.startswith('applets/'):
                print(f'{name} -> {callee}')
    sys.exit(0)
# Tarjan's strongly connected components: a component of two or more files
# is a loop of calls.
index, low, stack, on_stack, loops = {}, {}, [], set(), []
sys.setrecursionlimit(100000)
def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v); on_stack.add(v)
    for w in calls[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while True:
            w = stack.pop(); on_stack.discard(w); component.append(w)
            if w == v:
                break
        if len(component) > 1:
            loops.append(sorted(component))
for v in sorted(calls):
    if v not in index:
        visit(v)
for loop in sorted(loops):
    print(' '.join(loop))
PY
}

up=$(callgraph up)
is "$up" "" "libcore calls nothing in applets/"
loops=$(callgraph cycles)
is "$loops" "" "no files of applets/ or libcore/ call each other in a loop"

cd "$TOP" || exit 1
odd_headers=$(ls applets/*.h | grep -v '_impl\.h$')
is "$odd_headers" "" "every private header of an applet is NAME_impl.h"
odd_outputs=$(ls applets/*.c | grep -E '_(print|report|output)\.c$')
is "$odd_outputs" "" "an applet's output piece is NAME_out.c"
done_testing
