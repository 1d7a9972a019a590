#!/bin/sh
# Golden files: `cgwardend -n -v` on each tests/config/*.conf must print
# exactly the matching .out (stdout, stderr and the exit code); so must each
# directory NAME/ with a cgwarden.conf and its conf.d/ drop-ins, as NAME.out.
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
for conf in "$dir"/*/cgwarden.conf; do
	case=$(dirname "$conf"); name=$(basename "$case")
	got=$(cd "$case" && "$bin" -n -v -c cgwarden.conf 2>&1; echo "exit: $?")
	if [ "$got" = "$(cat "$dir/$name.out")" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: config $name/"
		printf '%s\n' "$got" | diff -u "$dir/$name.out" - | head -40
	fi
done
# conf.d is looked for beside the main file, wherever that is.
got=$(cd "$dir" && "$bin" -n -v -c dropins/cgwarden.conf 2>&1 | head -n 1)
if [ "$got" = "# read in this order: dropins/cgwarden.conf dropins/conf.d/10-team-a.conf dropins/conf.d/20-site.conf dropins/conf.d/9-last.conf" ]; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL: conf.d beside a main file in another directory: $got"
fi
# A file that cannot be read is an error with its path, exit 1.
got=$("$bin" -n -c /nonexistent/cgwarden.conf 2>&1; echo "exit: $?")
if [ "$got" = "$(printf '/nonexistent/cgwarden.conf:0: cannot open: No such file or directory\nexit: 1')" ]; then
	pass=$((pass + 1))
else
	fail=$((fail + 1)); echo "FAIL: missing config file: $got"
fi
echo "config: $pass passed, $fail failed"
[ $fail -eq 0 ]
