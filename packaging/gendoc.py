#!/usr/bin/env python3
"""Man pages and shell completions for sonde, generated from the option
tables (`sonde --describe`, JSON) and docs/APPLET.md.

  gendoc.py man DESCRIBE.json DOCS_DIR OUT_DIR VERSION   sonde.1, sonde-APPLET.1
  gendoc.py bash DESCRIBE.json                           bash completion on stdout
  gendoc.py zsh DESCRIBE.json                            zsh completion on stdout

The man page's SYNOPSIS, OPTIONS and EXIT STATUS come from the option table
(what the binary accepts); its other sections from the applet's doc, whose
own Synopsis and Options sections are left out (the table is authoritative).
"""
import json
import os
import re
import sys

MAN_SECTION = "1"
SKIPPED_DOC_SECTIONS = {"synopsis", "options", "exit codes"}
# The classic tool each applet stands in for, for SEE ALSO.
CLASSIC_PAGES = {
    "arp": "arp(8)", "brctl": "brctl(8)", "conntrack": "conntrack(8)", "dig": "dig(1)", "host": "host(1)",
    "nslookup": "nslookup(1)",
    "ifconfig": "ifconfig(8)", "ip": "ip(8)", "ip6tables": "ip6tables(8)",
    "ip6tables-save": "ip6tables-save(8)", "ipset": "ipset(8)", "iptables": "iptables(8)",
    "iptables-save": "iptables-save(8)", "ipvsadm": "ipvsadm(8)", "mtr": "mtr(8)", "nc": "nc(1)",
    "netstat": "netstat(8)", "nft": "nft(8)", "nmap": "nmap(1)", "openssl": "openssl(1)", "ping": "ping(8)",
    "ping6": "ping(8)", "route": "route(8)", "scan": "nmap(1)", "ss": "ss(8)",
    "telnet": "telnet(1)", "traceroute": "traceroute(1)", "tls": "openssl-s_client(1)", "http": "curl(1)",
    "curl": "curl(1)",
}


# --- roff -------------------------------------------------------------------

def roff_escape(text):
    """Plain text for roff: backslashes and minus signs escaped."""
    return text.replace("\\", "\\e").replace("-", "\\-")


def roff_line(text):
    """A text line that must not start a request (leading . or ')."""
    if text.startswith((".", "'")):
        return "\\&" + text
    return text


INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)]+)\)")


def roff_inline(text):
    """Markdown inline markup (code, bold, links) as roff fonts."""
    out, pos = [], 0
    for m in INLINE.finditer(text):
        out.append(roff_escape(text[pos:m.start()]))
        if m.group(1) is not None:
            out.append("\\fB" + code_span(m.group(1)) + "\\fR")
        elif m.group(2) is not None:
            out.append("\\fB" + roff_escape(m.group(2)) + "\\fR")
        else:
            out.append(roff_escape(m.group(3)) + " <" + roff_escape(m.group(4)) + ">")
        pos = m.end()
    out.append(roff_escape(text[pos:]))
    return "".join(out)


def code_span(text):
    """Inline code; a long one (a JSON line) may break after its commas."""
    escaped = roff_escape(text)
    return escaped.replace(",", ",\\:") if len(text) > 40 else escaped


def table_cells(line):
    cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [c.strip().replace("\\|", "|") for c in cells]


def markdown_block_to_roff(lines):
    """One doc section's body (a list of lines) as roff lines."""
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if line.startswith("```"):
            i += 1
            code = []
            while i < len(lines) and not lines[i].startswith("```"):
                code.append(lines[i])
                i += 1
            i += 1
            out += code_block(code)
            continue
        if line.startswith("    "):
            code = []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                code.append(lines[i][4:])
                i += 1
            while code and not code[-1].strip():
                code.pop()
            out += code_block(code)
            continue
        if line.startswith("### "):
            out.append(".SS " + roff_inline(line[4:].strip()))
            i += 1
            continue
        if line.lstrip().startswith("|"):
            rows = []
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(table_cells(lines[i]))
                i += 1
            out += table(rows)
            continue
        item = re.match(r"^(\s*)([-*]|\d+\.)\s+(.*)", line)
        if item:
            indent = len(item.group(1)) + len(item.group(2)) + 1
            text = [item.group(3)]
            i += 1
            while i < len(lines) and lines[i].strip() and lines[i].startswith(" " * indent) \
                    and not re.match(r"^\s*([-*]|\d+\.)\s", lines[i]):
                text.append(lines[i].strip())
                i += 1
            mark = "\\(bu" if item.group(2) in "-*" else item.group(2)
            out.append(".IP %s 4" % mark)
            out.append(roff_line(roff_inline(" ".join(text))))
            continue
        para = []
        while i < len(lines) and lines[i].strip() and not lines[i].startswith(("    ", "```", "### ", "|")) \
                and not re.match(r"^\s*([-*]|\d+\.)\s", lines[i]):
            para.append(lines[i].strip())
            i += 1
        out.append(".PP")
        out.append(roff_line(roff_inline(" ".join(para))))
    return out


def code_block(code):
    # Verbatim lines, not filled; roff must not read a leading dot as a request.
    out = [".PP", ".RS 4", ".nf"]
    out += [roff_line(roff_escape(c)) if c else "" for c in code]
    out += [".fi", ".RE"]
    return out


def table(rows):
    """A markdown table as a tagged list: first cell the tag, the rest below
    it; tables of more than two columns name each further column."""
    rows = [r for r in rows if not all(re.fullmatch(r":?-+:?", c) for c in r if c)]
    if not rows:
        return []
    header, body = rows[0], rows[1:]
    out = []
    for row in body:
        out.append(".TP")
        out.append(roff_line(roff_inline(row[0]) if row[0] else "\\&"))
        rest = row[1:]
        if len(rest) == 1:
            out.append(roff_line(roff_inline(rest[0])))
        else:
            parts = ["%s: %s" % (h, c) for h, c in zip(header[1:], rest) if c]
            out.append(roff_line(roff_inline("; ".join(parts))))
    return out


def doc_sections(path):
    """docs/APPLET.md as (title, lines): the text before the first ## heading
    is titled DESCRIPTION; the # title line is dropped."""
    if not os.path.exists(path):
        return []
    sections, title, body = [], "DESCRIPTION", []
    in_fence = False
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if line.startswith("```"):
                in_fence = not in_fence
            if not in_fence and line.startswith("# "):
                continue
            if not in_fence and line.startswith("## "):
                sections.append((title, body))
                title, body = line[3:].strip(), []
                continue
            body.append(line)
    sections.append((title, body))
    return [(t, b) for t, b in sections if any(l.strip() for l in b)]


def option_tag(opt):
    names = []
    if opt.get("short"):
        names.append("\\fB\\-%s\\fR" % roff_escape(opt["short"]))
    if opt.get("long"):
        names.append("\\fB\\-\\-%s\\fR" % roff_escape(opt["long"]))
    tag = ", ".join(names)
    if opt.get("arg"):
        arg = "\\fI%s\\fR" % roff_escape(opt["arg"])
        tag += ("[=%s]" % arg) if opt.get("arg_optional") else (" " + arg)
    return tag


def option_help(opt):
    text = roff_escape(opt["help"])
    if "min" in opt:
        text += " (%s\\(en%s)" % (number(opt["min"]), number(opt["max"]))
    return text


def help_extra(text):
    """--help's closing paragraph: filled, unless indented lines lay it out
    (ip's object list), which stay as they are."""
    lines = text.split("\n")
    if any(l.startswith((" ", "\t")) for l in lines):
        return code_block(lines)
    return [".PP", roff_line(roff_escape(" ".join(l.strip() for l in lines)))]


def number(value):
    return "%d" % value if value == int(value) else "%g" % value


def man_header(name, summary, version):
    return ['.\\" Generated by packaging/gendoc.py from sonde\'s option tables and docs.',
            '.TH %s %s "" "sonde %s" "sonde manual"' % (roff_escape(name.upper()), MAN_SECTION, version),
            # Ragged right: long literals (JSON lines) leave no room to justify.
            ".ad l",
            ".SH NAME",
            "%s \\- %s" % (roff_escape(name), roff_escape(summary))]


def applet_page(applet, docs_dir, version):
    name = applet["name"]
    out = man_header("sonde-" + name, applet["summary"], version)
    out.append(".SH SYNOPSIS")
    for i, usage in enumerate(applet["usage"]):
        if i:
            out.append(".br")
        out.append("\\fBsonde %s\\fR %s" % (roff_escape(name), roff_escape(usage)))
    out.append(".br")
    out.append("\\fB%s\\fR %s   (a link named after the applet)" % (
        roff_escape(name), roff_escape(applet["usage"][0])))
    sections = doc_sections(os.path.join(docs_dir, name + ".md"))
    if not sections or sections[0][0] != "DESCRIPTION":
        out += [".SH DESCRIPTION", roff_line(roff_escape(applet["summary"]) + ".")]
    for title, body in sections[:1] if sections and sections[0][0] == "DESCRIPTION" else []:
        out.append(".SH DESCRIPTION")
        out += markdown_block_to_roff(body)
    if applet["options"]:
        out.append(".SH OPTIONS")
        for opt in applet["options"]:
            out += [".TP", option_tag(opt), roff_line(option_help(opt))]
    out.append(".SS Common options")
    for opt in applet["common_options"]:
        out += [".TP", option_tag(opt), roff_line(option_help(opt))]
    if applet.get("help_extra"):
        out.append(".SS Notes (from \\-\\-help)")
        out += help_extra(applet["help_extra"])
    for title, body in sections:
        if title == "DESCRIPTION" or title.lower() in SKIPPED_DOC_SECTIONS:
            continue
        out.append('.SH "%s"' % roff_inline(title.upper()).replace('"', "'"))
        out += markdown_block_to_roff(body)
    out += [".SH EXIT STATUS", roff_line(roff_escape(applet["exit_codes"]))]
    exit_doc = [b for t, b in sections if t.lower() == "exit codes"]
    if exit_doc:
        out += markdown_block_to_roff(exit_doc[0])
    see = ["\\fBsonde\\fR(1)"]
    if name in CLASSIC_PAGES:
        page, sect = CLASSIC_PAGES[name].rstrip(")").split("(")
        see.append("\\fB%s\\fR(%s)" % (roff_escape(page), sect))
    out += [".SH SEE ALSO", ", ".join(see)]
    return "\n".join(out) + "\n"


def main_page(applets, version):
    out = man_header("sonde", "a network troubleshooting multitool", version)
    out += [".SH SYNOPSIS",
            "\\fBsonde\\fR \\fIAPPLET\\fR [\\fIARGS\\fR...]", ".br",
            "\\fIAPPLET\\fR [\\fIARGS\\fR...]   (a link named after the applet)", ".br",
            "\\fBsonde \\-\\-list\\fR [\\fB\\-\\-json\\fR]", ".br",
            "\\fBsonde \\-\\-install\\fR \\fIDIR\\fR", ".br",
            "\\fBsonde \\-\\-version\\fR | \\fB\\-\\-help\\fR",
            ".SH DESCRIPTION",
            "sonde is one static binary holding the network troubleshooting tools a "
            "container or a node lacks, as applets in the manner of busybox: run "
            "\\fBsonde\\fR \\fIAPPLET\\fR, or make a link named after the applet "
            "(\\fBsonde \\-\\-install\\fR \\fIDIR\\fR) and run that.",
            ".PP",
            "Every applet takes \\fB\\-\\-help\\fR, \\fB\\-\\-version\\fR, \\fB\\-\\-json\\fR "
            "(machine-readable output) and \\fB\\-\\-netns\\fR \\fINS\\fR (run in another "
            "network namespace).",
            ".SH APPLETS"]
    for applet in applets:
        out += [".TP", "\\fB%s\\fR" % roff_escape(applet["name"]),
                roff_line(roff_escape(applet["summary"])) + "; see \\fBsonde\\-%s\\fR(1)." % roff_escape(applet["name"])]
    out += [".SH FILES",
            ".TP", "/usr/lib/sonde/bin",
            "the applet links, in the Debian package: put it first in PATH to run "
            "applets by their classic names.",
            ".SH EXIT STATUS",
            "0 success, 1 negative result, 2 usage error, 3 missing privilege, 4 timeout; "
            "127 for an unknown applet.  Applets that keep their classic tool's codes say "
            "so in their pages.",
            ".SH SEE ALSO",
            ", ".join("\\fBsonde\\-%s\\fR(1)" % roff_escape(a["name"]) for a in applets)]
    return "\n".join(out) + "\n"


def write_man(describe, docs_dir, out_dir, version):
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "sonde.1"), "w", encoding="utf-8") as f:
        f.write(main_page(describe, version))
    for applet in describe:
        with open(os.path.join(out_dir, "sonde-%s.1" % applet["name"]), "w", encoding="utf-8") as f:
            f.write(applet_page(applet, docs_dir, version))


# --- completions --------------------------------------------------------------

CHOICES = re.compile(r"^[a-z0-9][a-z0-9-]*(\|[a-z0-9][a-z0-9-]*)+$")


def option_words(opt):
    words = []
    if opt.get("short"):
        words.append("-" + opt["short"])
    if opt.get("long"):
        words.append("--" + opt["long"] + ("=" if opt.get("arg_optional") else ""))
    return words


def arg_choices(opt):
    """The values an option takes, when its table names them (do|dont|want)."""
    arg = opt.get("arg") or ""
    return arg.split("|") if CHOICES.match(arg) else None


def sh_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def bash_completion(describe):
    names = " ".join(a["name"] for a in describe)
    out = ["# bash completion for sonde, generated by packaging/gendoc.py from the option tables.",
           "_sonde_options() {",
           "\tcase $1 in"]
    for a in describe:
        words = []
        for o in a["options"] + a["common_options"]:
            words += option_words(o)
        out.append("\t%s) echo %s ;;" % (sh_quote(a["name"]), sh_quote(" ".join(words))))
    out += ["\tesac", "}", "",
            "# _sonde_takes_arg APPLET OPTION: prints the option's value choices and",
            "# succeeds when OPTION takes a separate argument.",
            "_sonde_takes_arg() {",
            "\tcase $1:$2 in"]
    for a in describe:
        for o in a["options"] + a["common_options"]:
            if not o.get("arg") or o.get("arg_optional"):
                continue
            pats = ["%s:%s" % (a["name"], w) for w in option_words(o)]
            choices = arg_choices(o)
            out.append("\t%s) echo %s ;;" % ("|".join(sh_quote(p) for p in pats),
                                             sh_quote(" ".join(choices)) if choices else "''"))
    out += ["\t*) return 1 ;;",
            "\tesac",
            "}",
            "",
            "_sonde() {",
            "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev applet i",
            "\tCOMPREPLY=()",
            "\tif [ \"$COMP_CWORD\" -eq 1 ]; then",
            "\t\tCOMPREPLY=($(compgen -W %s -- \"$cur\"))" % sh_quote(names + " --list --install --version --help"),
            "\t\treturn 0",
            "\tfi",
            "\tapplet=${COMP_WORDS[1]}",
            "\tprev=${COMP_WORDS[COMP_CWORD-1]}",
            "\tif [ \"$COMP_CWORD\" -ge 3 ] && choices=$(_sonde_takes_arg \"$applet\" \"$prev\"); then",
            "\t\t# A value: the choices the table names, else files.",
            "\t\tif [ -n \"$choices\" ]; then",
            "\t\t\tCOMPREPLY=($(compgen -W \"$choices\" -- \"$cur\"))",
            "\t\telse",
            "\t\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))",
            "\t\tfi",
            "\t\treturn 0",
            "\tfi",
            "\tcase $cur in",
            "\t-*) COMPREPLY=($(compgen -W \"$(_sonde_options \"$applet\")\" -- \"$cur\")) ;;",
            "\t*) COMPREPLY=($(compgen -f -- \"$cur\")) ;;",
            "\tesac",
            "\treturn 0",
            "}",
            "complete -F _sonde sonde",
            ""]
    return "\n".join(out)


def zsh_escape(text):
    return text.replace("\\", "\\\\").replace("'", "'\\''").replace("[", "\\[").replace("]", "\\]") \
        .replace(":", "\\:")


def zsh_spec(opt):
    """_arguments specs, one per name: (aliases)NAME[help]:ARG:action."""
    help_text = zsh_escape(opt["help"])
    arg = ""
    if opt.get("arg"):
        choices = arg_choices(opt)
        action = "(%s)" % " ".join(choices) if choices else "_files"
        # An optional argument only as --name=VALUE: "=-" and "::".
        arg = "%s:%s:%s" % (":" if opt.get("arg_optional") else "", zsh_escape(opt["arg"]), action)
    names = [w.rstrip("=") for w in option_words(opt)]
    exclusive = "(%s)" % " ".join(names) if len(names) > 1 else ""
    specs = []
    for n in names:
        suffix = "=-" if opt.get("arg_optional") and n.startswith("--") else ""
        specs.append("'%s%s%s[%s]%s'" % (exclusive, n, suffix, help_text, arg))
    return specs


def zsh_completion(describe):
    out = ["#compdef sonde",
           "# zsh completion for sonde, generated by packaging/gendoc.py from the option tables.",
           "",
           "_sonde_applet() {",
           "\tcase $1 in"]
    for a in describe:
        specs = []
        for o in a["options"] + a["common_options"]:
            specs += zsh_spec(o)
        out.append("\t%s) _arguments -S \\" % sh_quote(a["name"]))
        for s in specs:
            out.append("\t\t%s \\" % s)
        out.append("\t\t'*:file:_files' ;;")
    out += ["\tesac",
            "}",
            "",
            "_sonde() {",
            "\tlocal -a applets",
            "\tapplets=("]
    for a in describe:
        out.append("\t\t'%s:%s'" % (zsh_escape(a["name"]), zsh_escape(a["summary"])))
    out += ["\t)",
            "\tif (( CURRENT == 2 )); then",
            "\t\t_describe -t applets 'sonde applet' applets",
            "\t\t_arguments '--list[list the applets]' '--install[make applet links]:directory:_files -/' \\",
            "\t\t\t'--version[show version]' '--help[show help]'",
            "\t\treturn",
            "\tfi",
            "\tlocal applet=${words[2]}",
            "\tshift words",
            "\t(( CURRENT-- ))",
            "\t_sonde_applet $applet",
            "}",
            "",
            "_sonde \"$@\"",
            ""]
    return "\n".join(out)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    with open(argv[2], encoding="utf-8") as f:
        describe = json.load(f)
    if argv[1] == "man" and len(argv) == 6:
        write_man(describe, argv[3], argv[4], argv[5])
    elif argv[1] == "bash":
        sys.stdout.write(bash_completion(describe))
    elif argv[1] == "zsh":
        sys.stdout.write(zsh_completion(describe))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
