#!/usr/bin/env python3
"""iptables 1.8.9's extensions/*.t rules, loaded into a lab namespace with one
backend's own tools, listed by that backend's iptables and by sonde in every
view, compared rule by rule.

  iptables_suite.py SONDE NETNS BACKEND(legacy|nft) FAMILY(4|6) UPSTREAM_EXTENSIONS_DIR

Each rule line of a view is attributed to the rule it shows (by table, chain
and position), so a rule counts once: identical in every view, different
with sonde's visible placeholder ("sonde" in the line), or silently
different.  Lines that belong to no rule (policies, chain headers) are
compared too: a difference there is silent.  Prints

  TALLY loaded=N identical=N placeholder=N silent=N notloaded=N
  SILENT <view> <rule>  /  TOOL: <line>  /  SONDE: <line>     (every one)
  PLACEHOLDER <view> <rule> ...                              (every one)
"""
import os
import re
import shlex
import subprocess
import sys

TABLES = ["filter", "nat", "mangle", "raw", "security"]
MARK = "sonde"


def run(netns, argv, stdin=None):
    p = subprocess.run(["ip", "netns", "exec", netns] + argv, input=stdin, capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def suite_files(ext_dir, family):
    prefixes = ("libxt_", "libipt_") if family == 4 else ("libip6t_",)
    return sorted(f for f in os.listdir(ext_dir) if f.endswith(".t") and f.startswith(prefixes))


def expected_ok(fields, backend):
    """Whether iptables-test.py expects this backend to accept the rule."""
    res = fields[2].strip() if len(fields) > 2 else ""
    if len(fields) > 3:
        variant = fields[3].strip()
        mine = variant == ("NFT" if backend == "nft" else "LEGACY")
        if not mine:
            if len(fields) > 4:
                res = fields[4].strip()
            else:
                res = {"OK": "FAIL", "FAIL": "OK", "NOMATCH": "OK"}.get(res, res)
    return res in ("OK", "NOMATCH")


def parse_file(path, backend):
    """(commands, rules): commands to run first; rules as (table, chains, spec)."""
    table, chains, commands, rules = "filter", [], [], []
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if not line.strip() or line[0] == "#":
            continue
        if line[0] == ":":
            chains = line[1:].split(",")
        elif line[0] == "*":
            table = line[1:].strip()
        elif line[0] in "@%":
            commands.append((line[0], line[1:]))
        else:
            fields = line.split(";")
            if len(fields) >= 3 and chains and expected_ok(fields, backend):
                rules.append((table, chains, fields[0].strip()))
    return commands, rules


class Loader:
    def __init__(self, netns, backend, family):
        self.netns, self.backend = netns, backend
        self.tool = ("iptables" if family == 4 else "ip6tables") + "-" + backend
        self.loaded = {}   # (table, chain) -> [rule text in order]
        self.notloaded = []

    def command(self, kind, text):
        """A file's own set-up command; the rules it adds are loaded rules too."""
        argv = shlex.split(text)
        if kind == "%" and argv and argv[0] in ("iptables", "ip6tables"):
            argv[0] = argv[0] + "-" + self.backend
        if run(self.netns, argv)[0] != 0 or not argv[0].endswith("-" + self.backend):
            return
        table = argv[argv.index("-t") + 1] if "-t" in argv else "filter"
        for op in ("-A", "-I"):
            if op in argv:
                i = argv.index(op)
                spec = " ".join(argv[i + 2:])
                chain_rules = self.loaded.setdefault((table, argv[i + 1]), [])
                chain_rules.insert(0 if op == "-I" else len(chain_rules), spec)

    def load_file(self, rules):
        """One iptables-restore batch per table; rule by rule when it fails."""
        by_table = {}
        for table, chains, spec in rules:
            by_table.setdefault(table, []).append((chains, spec))
        for table, items in by_table.items():
            batch = "*%s\n%sCOMMIT\n" % (table, "".join("-A %s %s\n" % (c[0], s) for c, s in items))
            rc, _, _ = run(self.netns, [self.tool + "-restore", "--noflush"], batch)
            if rc == 0:
                for chains, spec in items:
                    self.loaded.setdefault((table, chains[0]), []).append(spec)
                continue
            for chains, spec in items:
                for chain in chains:
                    try:
                        argv = [self.tool, "-t", table, "-A", chain] + shlex.split(spec)
                    except ValueError:
                        break
                    if run(self.netns, argv)[0] == 0:
                        self.loaded.setdefault((table, chain), []).append(spec)
                        break
                else:
                    self.notloaded.append("%s %s" % (table, spec))


# --- attributing the lines of a listing to rules -----------------------------

def rule_chain(line):
    m = re.match(r"^(?:\[\d+:\d+\] )?-A (\S+)", line)
    return m.group(1) if m else None


def split_rules_style(text, table):
    """-S and save: {(table, chain, index): line}, [other lines]."""
    rules, other, counts = {}, [], {}
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        if line.startswith("*"):
            table = line[1:]
        chain = rule_chain(line)
        if chain is None:
            other.append(line)
            continue
        i = counts.get((table, chain), 0)
        counts[(table, chain)] = i + 1
        rules[(table, chain, i)] = line
    return rules, other


def split_list_style(text, table):
    """-L: rule lines follow a chain's column header, up to a blank line."""
    rules, other, chain, in_rules, i = {}, [], None, False, 0
    for line in text.splitlines():
        m = re.match(r"^Chain (\S+) ", line)
        if m:
            chain, in_rules, i = m.group(1), False, 0
            other.append(line)
        elif chain and not in_rules and line.lstrip().startswith(("target", "pkts", "num")):
            in_rules = True
            other.append(line)
        elif not line.strip():
            in_rules = False
            other.append(line)
        elif in_rules:
            rules[(table, chain, i)] = line
            i += 1
        else:
            other.append(line)
    return rules, other


def views(family):
    ipt = "iptables" if family == 4 else "ip6tables"
    for table in TABLES:
        for args, style in ((["-S"], "rules"), (["-L", "-n", "-v"], "list"),
                            (["-L", "-n", "-v", "-x", "--line-numbers"], "list"), (["-L"], "list")):
            yield table, [ipt, "-t", table] + args, style
    for args in ([], ["-c"]):
        yield None, [ipt + "-save"] + args, "save"


def main():
    sonde, netns, backend, family, ext_dir = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
    loader = Loader(netns, backend, family)
    for f in suite_files(ext_dir, family):
        commands, rules = parse_file(os.path.join(ext_dir, f), backend)
        for kind, text in commands:
            if "-D" in text.split() or " del " in text:
                continue        # the removals undo what the rules need
            loader.command(kind, text)
        loader.load_file(rules)

    rule_text = {}
    for (table, chain), specs in loader.loaded.items():
        for i, spec in enumerate(specs):
            rule_text[(table, chain, i)] = "-t %s -A %s %s" % (table, chain, spec)
    worst = {key: 0 for key in rule_text}    # 0 identical, 1 placeholder, 2 silent
    report = []
    for table, argv, style in views(family):
        if argv[0].endswith("-save"):
            tool = [argv[0][:-len("-save")] + "-%s-save" % backend] + argv[1:]
        else:
            tool = [argv[0] + "-" + backend] + argv[1:]
        _, want, _ = run(netns, tool)
        _, got, err = run(netns, [sonde] + argv[:1] + ["--backend", backend] + argv[1:])
        split = split_list_style if style == "list" else split_rules_style
        want_rules, want_other = split(want, table)
        got_rules, got_other = split(got, table)
        view = " ".join(argv)
        if want_other != got_other:
            diff = [(w, g) for w, g in zip(want_other, got_other) if w != g][:3]
            report.append("SILENT %s (lines of no rule: %d vs %d) %s" % (view, len(want_other), len(got_other),
                                                                        " | ".join("TOOL: %s SONDE: %s" % d for d in diff)))
            worst["structure"] = 2
        for key in set(want_rules) | set(got_rules):
            w, g = want_rules.get(key), got_rules.get(key)
            if w == g:
                continue
            level = 1 if g is not None and MARK in g else 2
            label = rule_text.get(key, "%s/%s #%d (not loaded by this harness)" % key)
            worst[key] = max(worst.get(key, 0), level)
            report.append("%s %s :: %s\n    TOOL:  %s\n    SONDE: %s" % ("PLACEHOLDER" if level == 1 else "SILENT",
                                                                     view, label, w, g))
    loaded = len(rule_text)
    counts = [sum(1 for k, v in worst.items() if k in rule_text and v == level) for level in (0, 1, 2)]
    silent_other = sum(1 for k, v in worst.items() if k not in rule_text and v == 2)
    print("TALLY loaded=%d identical=%d placeholder=%d silent=%d notloaded=%d" %
          (loaded, counts[0], counts[1], counts[2] + silent_other, len(loader.notloaded)))
    for line in report:
        print(line)
    for spec in loader.notloaded:
        print("NOTLOADED " + spec)


if __name__ == "__main__":
    main()
