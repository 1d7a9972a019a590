#!/bin/sh
# Golden files: `cgwardend -n -v` on each tests/config/*.conf must print
# exactly the matching .out (stdout, stderr and the exit code).
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
dir=$(dirname "$0")
pass=0 fail=0
for conf in "$dir"/*.conf; do
	name=$(basename "$conf" .conf)
	got=$(cd "$dir" && "$bin" -n -v -c "$name.conf" 2>&1; echo "exit: $?")
	if [ "$got" = "$(cat "$dir/$name.out")" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: config $name"
		printf '%s\n' "$got" | diff -u "$dir/$name.out" - | head -40
	fi
done
# A file that cannot be read is an error with its path, exit 1.
got=$("$bin" -n -c /nonexistent/cgwarden.conf 2>&1; echo "exit: $?")
if [ "$got" = "$(printf '/nonexistent/cgwarden.conf:0: cannot open: No such file or directory\nexit: 1')" ]; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL: missing config file: $got"
fi
echo "config: $pass passed, $fail failed"
[ $fail -eq 0 ]
