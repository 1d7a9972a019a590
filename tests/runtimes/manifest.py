#!/usr/bin/env python3
"""Reads deploy/kubernetes/cgwarden.yaml for the DaemonSet test.

manifest.py FILE conf OUT   the ConfigMap's cgwarden.conf, written to OUT
manifest.py FILE shell      the pod's settings as shell assignments:
                            CAPS, DROP, HOSTPID, RO_ROOT, NO_ESCALATION,
                            PRIORITY, TOLERATES_ALL, REQUESTS, MOUNTS
                            (hostPath:mountPath:ro|rw, one per word)
"""
import shlex
import sys

import yaml

docs = {d["kind"]: d for d in yaml.safe_load_all(open(sys.argv[1])) if d}
if sys.argv[2] == "conf":
    open(sys.argv[3], "w").write(docs["ConfigMap"]["data"]["cgwarden.conf"])
    sys.exit(0)
pod = docs["DaemonSet"]["spec"]["template"]["spec"]
ctr = pod["containers"][0]
sc = ctr.get("securityContext", {})
caps = sc.get("capabilities", {})
vols = {v["name"]: v for v in pod.get("volumes", [])}
mounts = []
for m in ctr.get("volumeMounts", []):
    v = vols[m["name"]]
    src = v["hostPath"]["path"] if "hostPath" in v else "configMap=" + v["configMap"]["name"]
    mounts.append("%s:%s:%s" % (src, m["mountPath"], "ro" if m.get("readOnly") else "rw"))
out = {
    "CAPS": " ".join(caps.get("add", [])),
    "DROP": " ".join(caps.get("drop", [])),
    "HOSTPID": str(pod.get("hostPID", False)).lower(),
    "RO_ROOT": str(sc.get("readOnlyRootFilesystem", False)).lower(),
    "NO_ESCALATION": str(sc.get("allowPrivilegeEscalation", True) is False).lower(),
    "PRIVILEGED": str(sc.get("privileged", False)).lower(),
    "PRIORITY": pod.get("priorityClassName", ""),
    "TOLERATES_ALL": str(any(t.get("operator") == "Exists" and "key" not in t
                             for t in pod.get("tolerations", []))).lower(),
    "REQUESTS": " ".join(sorted(ctr.get("resources", {}).get("requests", {}))),
    "MOUNTS": " ".join(mounts),
    "COMMAND": " ".join(ctr.get("command", [])),
}
for k, v in out.items():
    print("%s=%s" % (k, shlex.quote(v)))
