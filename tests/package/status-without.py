#!/usr/bin/env python3
"""Writes a copy of a dpkg status file without the named packages and
everything installed that depends on them, so that apt-get --simulate
with -o Dir::State::status=COPY has to resolve them again."""
import re
import sys

src, dst, drop = sys.argv[1], sys.argv[2], set(sys.argv[3:])
stanzas = [s for s in open(src).read().split("\n\n") if s.strip()]


def field(s, name):
    m = re.search(r"^%s: (.*(?:\n .*)*)" % name, s, re.M)
    return m.group(1) if m else ""


def deps(s):
    text = field(s, "Depends") + "," + field(s, "Pre-Depends")
    return {re.split(r"[ :(]", d.strip())[0] for d in re.split(r"[,|]", text) if d.strip()}


changed = True
while changed:
    changed = False
    for s in stanzas:
        name = field(s, "Package")
        if name not in drop and deps(s) & drop:
            drop.add(name)
            changed = True
kept = [s for s in stanzas if field(s, "Package") not in drop]
open(dst, "w").write("\n\n".join(kept) + "\n")
print(" ".join(sorted(drop)))
