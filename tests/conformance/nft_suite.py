#!/usr/bin/env python3
"""nftables 1.0.6's tests/py rules, loaded file by file into a lab namespace
with nft itself, listed by nft and by sonde (list ruleset, -s list ruleset,
-j list ruleset), compared rule by rule.

  nft_suite.py SONDE NETNS UPSTREAM_PY_DIR

Each file's tables, chains, sets, objects and rules go in as one nft -f
batch; when the kernel refuses it, line by line, keeping what loads.  A
rule's lines are found by table, chain and position in each listing; in
JSON, by the "rule" objects' family, table and chain, in order, compared
with sorted keys (metainfo aside).  A rule is identical in every view,
different with sonde's visible placeholder ("sonde" in its line or JSON),
or silently different; lines and JSON objects that belong to no rule
(tables, chains, sets, named objects) are compared too, and a difference
there counts as silent.  Prints

  TALLY loaded=N identical=N placeholder=N silent=N notloaded=N structure_silent=N structure_placeholder=N
  SILENT / PLACEHOLDER <file> <view> <rule>, with both renderings

(structure_*: files whose lines of no rule differ, silently or visibly.)
"""
import difflib
import json
import os
import re
import subprocess
import sys

MARK = "sonde"


def run(netns, argv, stdin=None):
    p = subprocess.run(["ip", "netns", "exec", netns] + argv, input=stdin, capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_files(py_dir):
    out = []
    for family_dir in sorted(os.listdir(py_dir)):
        d = os.path.join(py_dir, family_dir)
        if os.path.isdir(d):
            out += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.endswith(".t")]
    return out


def set_command(line):
    """'!name type T [. T]... [timeout X] [flags F]' as nft-test.py reads it."""
    tokens = line.split(" ")
    name, set_type, i, timeout, flags = tokens[0], tokens[2], 3, "", ""
    while len(tokens) > i and tokens[i] == ".":
        set_type += " . " + tokens[i + 1]
        i += 2
    if len(tokens) == i + 2 and tokens[i] == "timeout":
        timeout = "timeout %s; " % tokens[i + 1]
        i += 2
    if len(tokens) == i + 2 and tokens[i] == "flags":
        flags = "flags %s; " % tokens[i + 1]
    return name, "{ type %s; %s%s}" % (set_type, timeout, flags)


def obj_command(line):
    tokens = line.split(" ")
    name, obj_type = tokens[0], tokens[2]
    rest = tokens[3:]
    if obj_type == "ct" and rest and rest[0] in ("helper", "timeout", "expectation"):
        obj_type = "ct " + rest[0]
        rest = rest[1:]
    return name, obj_type, " ".join(rest)


def parse_file(path):
    """(tables, steps): tables as (family, name, chains); steps as (kind, text)."""
    chains, tables, steps = {}, [], []
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line.strip() or line[0] in "#-":
            continue
        if line[0] == ":":
            name, _, spec = line[1:].partition(";")
            chains[name] = spec
        elif line[0] == "*":
            family, name, chain_list = line[1:].split(";")
            tables.append((family, name, [(c, chains.get(c, "")) for c in chain_list.split(",")]))
        else:
            fields = line.split(";")
            brace = line.rfind("}")
            if line[0] == "%" and brace >= 0:
                # An object with a block of its own ("{ protocol tcp; ... }"),
                # whose ";" are its own, as nft-test.py reads it.
                fields = [line[:brace + 1], line[brace + 2:]]
            if len(fields) < 2 or fields[1].strip() != "ok":
                continue
            kind = {"!": "set", "?": "elem", "%": "obj"}.get(line[0], "rule")
            steps.append((kind, fields[0][1:] if kind != "rule" else fields[0]))
    return tables, steps


def commands(tables, steps):
    """The file's nft commands, each with the rule key it adds (or None)."""
    out = []
    for family, table, chains in tables:
        out.append(("add table %s %s" % (family, table), None))
        for chain, spec in chains:
            out.append(("add chain %s %s %s%s" % (family, table, chain, " { %s; }" % spec if spec else ""), None))
    counts = {}
    for kind, text in steps:
        for family, table, chains in tables:
            if kind == "set":
                name, body = set_command(text)
                out.append(("add set %s %s %s %s" % (family, table, name, body), None))
            elif kind == "elem":
                name, _, elems = text.partition(" ")
                out.append(("add element %s %s %s { %s }" % (family, table, name, elems), None))
            elif kind == "obj":
                name, obj_type, spec = obj_command(text)
                out.append(("add %s %s %s %s %s" % (obj_type, family, table, name, spec), None))
            else:
                for chain, _ in chains:
                    key = (family, table, chain)
                    out.append(("add rule %s %s %s %s" % (family, table, chain, text), (key, text)))
    return out


def load(netns, cmds):
    """Loads cmds; returns {(family, table, chain): [rule text]} of the rules in, and the count refused."""
    loaded, refused = {}, 0
    # nft names the lines it refuses: drop them and try again (a set
    # refused takes the rules using it along on the next round).
    todo = list(cmds)
    for _ in range(8):
        rc, _, err = run(netns, ["nft", "-f", "-"], "".join(c + "\n" for c, _ in todo))
        if rc == 0:
            for _, rule in todo:
                if rule:
                    loaded.setdefault(rule[0], []).append(rule[1])
            return loaded, len([c for c in cmds if c[1]]) - sum(len(v) for v in loaded.values())
        bad = {int(n) - 1 for n in re.findall(r"^/dev/stdin:(\d+):", err, re.M)}
        if not bad:
            break
        todo = [c for i, c in enumerate(todo) if i not in bad]
    for c, rule in cmds:
        ok = run(netns, ["nft", "-f", "-"], c + "\n")[0] == 0
        if rule and ok:
            loaded.setdefault(rule[0], []).append(rule[1])
        elif rule:
            refused += 1
    return loaded, refused


# --- attributing listings to rules ---------------------------------------------

def split_text(text):
    """{(family, table, chain, index): line}, [other lines]."""
    # An element's time left ticks between the two listings.
    text = re.sub(r"expires \S+?(?=[,\s}])", "expires N", text)
    rules, other = {}, []
    table = chain = None
    index = 0
    for line in text.splitlines():
        stripped = line.strip()
        m = re.match(r"^table (\S+) (\S+) \{", line)
        if m:
            table, chain = (m.group(1), m.group(2)), None
            other.append(line)
            continue
        m = re.match(r"^\tchain (\S+) \{", line)
        if m and table:
            chain, index = m.group(1), 0
            other.append(line)
            continue
        if line.startswith("\t}") or line == "}":
            chain = None if line == "\t}" else chain
            other.append(line)
            continue
        if chain and line.startswith("\t\t") and not line.startswith("\t\t\t"):
            if re.match(r"^(type \S+ hook|policy |comment \")", stripped):
                other.append(line)
                continue
            rules[(table[0], table[1], chain, index)] = line
            index += 1
            continue
        if chain and line.startswith("\t\t\t") and rules:
            # A rule continued on the next line (anonymous set elements).
            last = (table[0], table[1], chain, index - 1)
            if last in rules:
                rules[last] += "\n" + line
                continue
        other.append(line)
    return rules, other


def split_json(text):
    text = re.sub(r'"expires": \d+', '"expires": 0', text)
    try:
        doc = json.loads(text)
    except ValueError:
        return None, None
    rules, other, counts = {}, [], {}
    for item in doc.get("nftables", []):
        if "metainfo" in item:
            continue
        if "rule" in item:
            r = item["rule"]
            key = (r.get("family"), r.get("table"), r.get("chain"))
            i = counts.get(key, 0)
            counts[key] = i + 1
            rules[key + (i,)] = json.dumps(item, sort_keys=True)
        else:
            other.append(json.dumps(item, sort_keys=True))
    return rules, other


VIEWS = (("list ruleset", ["list", "ruleset"], split_text), ("-s list ruleset", ["-s", "list", "ruleset"], split_text),
         ("-j list ruleset", ["-j", "list", "ruleset"], split_json))


def compare_file(netns, sonde, name, loaded, worst, report):
    labels = {}
    for key, texts in loaded.items():
        for i, text in enumerate(texts):
            labels[key + (i,)] = "%s %s %s: %s" % (key + (text,))
            worst.setdefault((name,) + key + (i,), 0)
    for view, args, split in VIEWS:
        _, want, _ = run(netns, ["nft"] + args)
        _, got, err = run(netns, [sonde, "nft"] + args)
        want_rules, want_other = split(want)
        got_rules, got_other = split(got)
        if got_rules is None:
            report.append("SILENT %s %s: sonde's output does not parse (%s)" % (name, view, err.strip()[:200]))
            worst[(name, "structure")] = 2
            continue
        if want_other != got_other:
            # Each differing stretch is visible when sonde's side of it
            # carries its placeholder mark, silent otherwise.
            chunks = [(want_other[a:b], got_other[c:d]) for op, a, b, c, d in
                      difflib.SequenceMatcher(None, want_other, got_other, autojunk=False).get_opcodes()
                      if op != "equal"]
            level = 1 if all(g and all(MARK in x for x in g) for _, g in chunks) else 2
            report.append("%s %s %s: lines of no rule differ%s" % (
                "PLACEHOLDER" if level == 1 else "SILENT", name, view,
                "".join("\n    NFT:   %s\n    SONDE: %s" % (" | ".join(w)[:300], " | ".join(g)[:300])
                        for w, g in chunks[:3])))
            k = (name, "structure")
            worst[k] = max(worst.get(k, 0), level)
        for key in set(want_rules) | set(got_rules):
            w, g = want_rules.get(key), got_rules.get(key)
            if w == g:
                continue
            level = 1 if g is not None and MARK in g else 2
            k = (name,) + key
            worst[k] = max(worst.get(k, 0), level)
            report.append("%s %s %s :: %s\n    NFT:   %s\n    SONDE: %s" % (
                "PLACEHOLDER" if level == 1 else "SILENT", name, view, labels.get(key, key), w, g))


def main():
    sonde, netns, py_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    only = sys.argv[4:]
    worst, report, refused = {}, [], 0
    for path in test_files(py_dir):
        name = os.path.relpath(path, py_dir)
        if only and name not in only:
            continue
        tables, steps = parse_file(path)
        run(netns, ["nft", "flush", "ruleset"])
        loaded, n = load(netns, commands(tables, steps))
        refused += n
        compare_file(netns, sonde, name, loaded, worst, report)
    rule_keys = [k for k in worst if k[1] != "structure"]
    counts = [sum(1 for k in rule_keys if worst[k] == level) for level in (0, 1, 2)]
    other_silent = sum(1 for k in worst if k[1] == "structure" and worst[k] == 2)
    other_placeholder = sum(1 for k in worst if k[1] == "structure" and worst[k] == 1)
    print("TALLY loaded=%d identical=%d placeholder=%d silent=%d notloaded=%d structure_silent=%d "
          "structure_placeholder=%d" % (len(rule_keys), counts[0], counts[1], counts[2] + other_silent, refused,
                                        other_silent, other_placeholder))
    for line in report:
        print(line)


if __name__ == "__main__":
    main()
