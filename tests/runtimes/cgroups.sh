# tests/runtimes/cgroups.sh: what the runtime tests share.
# rm_cgroups REL: removes REL's tree in EVERY hierarchy (runc makes a
# container's cgroup in blkio, cpuset, devices, name=systemd too, which
# tests/system/lib.sh does not list); REL must be the test's own.
rm_cgroups() {
	for _h in $(awk '$0 ~ / - cgroup2? / { print $5 }' /proc/self/mountinfo); do
		[ -d "$_h/$1" ] || continue
		_n=40
		while [ -d "$_h/$1" ] && [ $_n -gt 0 ]; do
			find "$_h/$1" -depth -type d -exec rmdir {} \; 2>/dev/null
			[ -d "$_h/$1" ] && sleep 0.05
			_n=$((_n - 1))
		done
	done
	return 0
}

# free_port ADDRESS: a TCP port free on ADDRESS now.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("'$1'", 0)); print(s.getsockname()[1])'; }
