#!/usr/bin/env bash
# Regenerates docs/conformance.md: runs packetdrill itself on the kernel (each script in its own network
# namespace, as the kernel's selftests do) and `synack drill` on SynAck over the peer suite's scripts outside the
# Linux-only directories. Needs root for the kernel side; without root the kernel column says "not run".
# Usage: tools/drill-conformance.sh [PEER_SUITE_TCP_DIR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-}
for c in "$root/../shared" "$root/../../shared"; do [ -z "$shared" ] && [ -d "$c/peer-suites" ] && shared=$(cd "$c" && pwd); done
suite=${1:-$shared/peer-suites/packetdrill/tcp}
# DRILL_WORK keeps the per-script results (kernel.tsv, runner-kernel.tsv, synack.txt) in a directory of your choice.
if [ -n "${DRILL_WORK:-}" ]; then work=$DRILL_WORK; mkdir -p "$work"; else work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
linux_only='^\./(fastopen|zerocopy|epoll|timestamping|tcp_info|md5|splice|sendfile|notsent_lowat|gro|inq|ioctl|eor)/'
(cd "$suite" && find . -name '*.pkt' | grep -Ev "$linux_only" | sort) > "$work/list"
: > "$work/kernel.tsv"
: > "$work/runner-kernel.tsv"
dotnet build "$root/src/SynAck.Cli" -c Release -v q -nologo >/dev/null
cli="$root/src/SynAck.Cli/bin/Release/net10.0/SynAck.Cli"
if [ "$(id -u)" = 0 ]; then
  pd=$("$shared/tools/build-packetdrill.sh")
  while read -r s; do
    # Both runners at a raised priority: the machine is shared, and a late event is a timing failure for either.
    out=$(cd "$suite/$(dirname "$s")" && timeout 120 nice -n -10 unshare -n "$pd" --tolerance_usecs=14000 "$(basename "$s")" 2>&1) && rc=0 || rc=$?
    first=$(printf '%s\n' "$out" | grep -m1 -E "^$(basename "$s"):[0-9]+:" | cut -c1-300 || true)
    printf '%s\t%s\t%s\n' "$s" "$rc" "$first" >> "$work/kernel.tsv"
    line=$(nice -n -10 "$cli" drill "$suite/$s" --target kernel --tolerance_usecs 14000 2>&1 | head -1 || true)
    case "$line" in pass*) rc=0 ;; *) rc=1 ;; esac
    printf '%s\t%s\t%s\n' "$s" "$rc" "$(printf '%s' "$line" | sed -E 's/^(pass|fail|unsupported|error) +//' | cut -c1-300)" >> "$work/runner-kernel.tsv"
  done < "$work/list"
fi
"$cli" drill "$suite" --report "$root/docs/conformance.md" \
  --kernel-results "$work/kernel.tsv" --runner-kernel-results "$work/runner-kernel.tsv" --reasons "$root/docs/conformance-reasons.tsv" > "$work/synack.txt" || true
tail -7 "$work/synack.txt"
echo "wrote docs/conformance.md"
