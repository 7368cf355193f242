#!/usr/bin/env python3
# tests/json.t — every JSON output the functional tests produced, validated
# against its applet's schema in docs/json/ (docs/json.md).  `make check`
# records the outputs (tests/lab/json_record.sh, SONDE_JSON_RECORD) and runs
# this file last.  Fails on a document that does not validate, on output that
# is not JSON at all, and on an applet with JSON output but no schema.
# Argument (optional): the record directory, instead of $SONDE_JSON_RECORD.
import glob
import json
import os
import sys

import jsonschema

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SCHEMA_DIR = os.path.join(TOP, "docs", "json")
# Applets that are another applet's preset write that applet's JSON.
ALIASES = {"ping6": "ping", "nmap": "scan", "ip6tables": "iptables",
           "iptables-save": "iptables", "ip6tables-save": "iptables"}
count = 0
failed = 0


def tap(ok, name, diag=()):
    global count, failed
    count += 1
    if not ok:
        failed += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", count, name))
    for line in diag:
        for part in str(line).splitlines():
            print("# " + part)


def documents(text):
    """One document, or NDJSON (one per line, as the streaming applets write)."""
    if not text.strip():
        return []
    try:
        return [json.loads(text)]
    except ValueError:
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def read_record(meta_path):
    meta = {}
    with open(meta_path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            meta[key] = value
    with open(meta_path[:-len(".meta")] + ".out", "rb") as f:
        meta["stdout"] = f.read().decode("utf-8", "replace")
    return meta


def load_schemas():
    schemas = {}
    for path in sorted(glob.glob(os.path.join(SCHEMA_DIR, "*.schema.json"))):
        applet = os.path.basename(path)[:-len(".schema.json")]
        with open(path) as f:
            schema = json.load(f)
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
            tap(True, "docs/json/%s.schema.json is a valid Draft 2020-12 schema" % applet)
            schemas[applet] = jsonschema.Draft202012Validator(schema)
        except jsonschema.SchemaError as e:
            tap(False, "docs/json/%s.schema.json is a valid Draft 2020-12 schema" % applet, [e.message])
    return schemas


def deepest(errors, shown=2):
    """The leaf errors that went furthest into the document: under anyOf
    (output or failure, record kinds), the branch the document nearly
    matched says what is wrong ('hwaddress' was unexpected)."""
    leaves = []

    def collect(errs):
        for e in errs:
            if e.context:
                collect(e.context)
            else:
                leaves.append(e)
    collect(errors)
    # A record of another kind ('summary' was expected) says nothing.
    leaves = [e for e in leaves if e.validator != "const"] or leaves
    leaves.sort(key=lambda e: -len(e.absolute_path))
    out = []
    for e in leaves[:shown]:
        out.append("at /%s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message[:200]))
    return out


def where(meta):
    return "%s: sonde%s (exit %s)" % (meta.get("test", "?"), meta.get("args", ""), meta.get("exit", "?"))


def check_applet(applet, records, validator):
    problems, checked = [], 0
    for meta in records:
        try:
            docs = documents(meta["stdout"])
        except ValueError as e:
            problems += ["%s: not JSON: %s" % (where(meta), e), "  " + meta["stdout"][:300]]
            continue
        for doc in docs:
            checked += 1
            errors = list(validator.iter_errors(doc))
            if errors:
                problems += ["%s: %s" % (where(meta), why) for why in deepest(errors)]
    name = "%s: %d JSON documents from %d runs match docs/json/%s.schema.json" % (
        applet, checked, len(records), ALIASES.get(applet, applet))
    tap(not problems, name, problems[:40])


def main():
    record_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SONDE_JSON_RECORD", "")
    metas = sorted(glob.glob(os.path.join(record_dir, "*.meta"))) if record_dir else []
    if not metas:
        print("1..0 # SKIP no recorded JSON outputs (make check records them in SONDE_JSON_RECORD)")
        return 0
    schemas = load_schemas()
    by_applet = {}
    for meta_path in metas:
        meta = read_record(meta_path)
        by_applet.setdefault(meta["applet"], []).append(meta)
    for applet in sorted(by_applet):
        schema_name = ALIASES.get(applet, applet)
        if schema_name not in schemas:
            tap(False, "%s writes JSON (%d runs) but has no schema docs/json/%s.schema.json" % (
                applet, len(by_applet[applet]), schema_name), [where(by_applet[applet][0])])
            continue
        check_applet(applet, by_applet[applet], schemas[schema_name])
    print("1..%d" % count)
    return 1 if failed else 0


sys.exit(main())
