# tests/bench/seenby.sh, sourced by guard.sh and guard-v2.sh.
#
# seen_by LOG ID: which source saw the bomb of container ID (its first 12
# hex digits are enough), from the first spike line cgwardend logged for
# it, which ends in "; seen by SOURCE": prints SOURCE, "not said" for a
# spike line without it, or "no spike logged".
seen_by() {
	awk -v id="$(printf '%.12s' "$2")" '
		index($0, "spike in container ") && index($0, id) {
			found = 1
			sub(/[ \t\r]+$/, "")
			if (match($0, /; seen by .*$/))
				print substr($0, RSTART + 10)
			else
				print "not said"
			exit
		}
		END { if (!found) print "no spike logged" }' "$1"
}
