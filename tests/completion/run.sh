#!/bin/bash
# Bash completion of cgwardenctl: each case sets COMP_WORDS as bash would
# for a command line, calls the completion function and compares COMPREPLY.
# A stub cgwardenctl answers `status --json` the way the daemon does and
# records the socket it was asked for.  Usage: run.sh [BUILD]
build=${1:-build}
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
. "$here/conf/cgwardenctl.bash-completion"

A=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
B=fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210
C=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
mkdir "$tmp/bin"
cat > "$tmp/bin/cgwardenctl" <<STUB
#!/bin/sh
echo "\$*" > "$tmp/args"
[ "\$#" -ge 2 ] && [ "\$(eval echo \\\${\$((\$# - 1))})" = status ] || exit 2
printf '%s\n' '[ { "id": "$A", "name": "web", "image": "nginx:1.25", "cgroups": [ { "name": "pids" } ] },' \
	'{"id":"$B","name":"db-1","image":"redis"},' \
	'{ "id": "$C", "name": null, "image": null }, { "id": "$C", "name": "x\$(reboot)" } ]'
STUB
chmod +x "$tmp/bin/cgwardenctl"
PATH=$tmp/bin:$PATH

# check LINE EXPECTED...: completes LINE (the cursor at its end; a trailing
# space starts a new word) and wants exactly EXPECTED, in any order.
check() {
	local line=$1; shift
	read -ra COMP_WORDS <<< "$line"
	[[ $line == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_cgwardenctl 2>"$tmp/err"
	local got want
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' ')
	want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
	if [[ $got == "$want" && ! -s $tmp/err ]]; then
		pass=$((pass + 1)); echo "ok - '$line' -> $*"
	else
		fail=$((fail + 1)); echo "not ok - '$line': got [$got] want [$want] $(cat "$tmp/err")"
	fi
}

check 'cgwardenctl ' status top events freeze thaw kill reload stats audit
check 'cgwardenctl st' status stats
check 'cgwardenctl -' -s -h
check 'cgwardenctl -s /run/x.sock th' thaw
check 'cgwardenctl status ' --json
check 'cgwardenctl audit --j' --json
check 'cgwardenctl status --json '
check 'cgwardenctl reload ' --json
check 'cgwardenctl thaw ' web db-1 "$A" "$B" "$C"
check 'cgwardenctl kill w' web
check 'cgwardenctl kill fe' "$B"
check 'cgwardenctl thaw web ' --json
check 'cgwardenctl thaw web --json '
check 'cgwardenctl top -' -n -d --iterations --delay --json --help
check 'cgwardenctl top -n '
check 'cgwardenctl top --delay 2 --j' --json
check 'cgwardenctl stats '

# The socket the line names is the one asked for the containers.
check 'cgwardenctl -s /run/alt.sock kill d' db-1
if [[ $(cat "$tmp/args") == "-s /run/alt.sock status --json" ]]; then
	pass=$((pass + 1)); echo "ok - the -s socket is passed to status --json"
else
	fail=$((fail + 1)); echo "not ok - status was asked with: $(cat "$tmp/args")"
fi
check 'cgwardenctl -s/run/alt2.sock thaw db' db-1
[[ $(cat "$tmp/args") == "-s /run/alt2.sock status --json" ]] &&
	{ pass=$((pass + 1)); echo "ok - -sSOCKET is passed too"; } ||
	{ fail=$((fail + 1)); echo "not ok - -sSOCKET: status was asked with: $(cat "$tmp/args")"; }

# -s takes a path.
mkdir "$tmp/socks" && : > "$tmp/socks/one.sock"
check "cgwardenctl -s $tmp/socks/o" "$tmp/socks/one.sock"

# The real client with no daemon behind the socket: nothing offered, nothing printed.
if [[ -x $build/cgwardenctl ]]; then
	check "$build/cgwardenctl -s $tmp/none.sock thaw "
else
	fail=$((fail + 1)); echo "not ok - $build/cgwardenctl is not built"
fi

# Loading the file registers the function for the command.
if [[ $(complete -p cgwardenctl 2>/dev/null) == "complete -F _cgwardenctl cgwardenctl" ]]; then
	pass=$((pass + 1)); echo "ok - complete -F _cgwardenctl cgwardenctl"
else
	fail=$((fail + 1)); echo "not ok - completion not registered: $(complete -p cgwardenctl 2>&1)"
fi
echo "completion: $pass passed, $fail failed"
[ $fail -eq 0 ]
