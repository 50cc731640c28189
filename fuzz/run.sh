#!/usr/bin/env bash
# Coverage-guided fuzzing of SynAck with AFL++ through SharpFuzz (issue H, item 5).
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]      targets: wire capture stack (default: all, 60 s each)
# Builds fuzz/SynAck.Fuzz, instruments SynAck.dll with SharpFuzz, seeds each target from the demo scenarios'
# pcapng files, runs afl-fuzz for the given time and prints, per target, executions and crashes. Crashing inputs
# are copied to fuzz/findings/TARGET/; turn each into a regression under tests/SynAck.Tests/Fuzz/Regressions/TARGET/.
# Exits 1 when a target crashed, 2 when something it needs cannot be had (afl-fuzz needs root to install).
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(wire capture stack)
work=${SYNACK_FUZZ_WORK:-/tmp/synack-fuzz}
rm -rf "$work"; mkdir -p "$work"

if ! command -v afl-fuzz >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    { apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends afl++; } >"$work/apt.log" 2>&1 \
      || { echo "fuzz: cannot install afl++ (see $work/apt.log)" >&2; exit 2; }
  else
    echo "fuzz: afl-fuzz is missing and installing it needs root" >&2; exit 2
  fi
fi
tools=${SYNACK_FUZZ_TOOLS:-/tmp/synack-fuzz-tools}
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >"$work/tool.log" 2>&1 \
    || { echo "fuzz: cannot install the sharpfuzz tool (see $work/tool.log)" >&2; exit 2; }
fi

dotnet build fuzz/SynAck.Fuzz -c Release -o "$work/bin" >"$work/build.log" 2>&1 || { echo "fuzz: build failed (see $work/build.log)" >&2; exit 2; }
dotnet build src/SynAck.Cli -c Release >>"$work/build.log" 2>&1 || { echo "fuzz: CLI build failed (see $work/build.log)" >&2; exit 2; }

for s in lifecycle close reset simultaneous-open old-duplicate-syn; do
  dotnet src/SynAck.Cli/bin/Release/net10.0/SynAck.Cli.dll demo "$s" --loss 0.2 --pcap "$work/$s.pcapng" >/dev/null 2>&1
  dotnet "$work/bin/SynAck.Fuzz.dll" corpus "$work/$s.pcapng" "$work/seeds" >/dev/null
done

# Instrumented code needs AFL's shared memory: seeds and replays use the plain build in bin/, afl-fuzz the copy in afl/.
cp -r "$work/bin" "$work/afl"
"$tools/sharpfuzz" "$work/afl/SynAck.dll" >"$work/instrument.log" 2>&1 || { echo "fuzz: instrumenting SynAck.dll failed (see $work/instrument.log)" >&2; exit 2; }

export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
crashed=0
for t in "${targets[@]}"; do
  afl-fuzz -V "$secs" -t 10000 -m none -i "$work/seeds/$t" -o "$work/out-$t" -- dotnet "$work/afl/SynAck.Fuzz.dll" "$t" >"$work/afl-$t.log" 2>&1
  stats="$work/out-$t/default/fuzzer_stats"
  if [ ! -f "$stats" ]; then echo "fuzz: $t: afl-fuzz did not start (see $work/afl-$t.log)" >&2; tail -5 "$work/afl-$t.log" >&2; exit 2; fi
  get() { grep -E "^$1 *:" "$stats" | sed 's/.*: *//'; }
  crashes=$(ls "$work/out-$t/default/crashes" 2>/dev/null | grep -c '^id:' || true)
  echo "fuzz: $t: $(get execs_done) executions in $(get run_time) s, $(get corpus_count) inputs in the corpus, $(get edges_found) edges, $crashes crashes"
  if [ "$crashes" -gt 0 ]; then
    crashed=1; mkdir -p "fuzz/findings/$t"; cp "$work/out-$t/default/crashes"/id:* "fuzz/findings/$t/"
    dotnet "$work/bin/SynAck.Fuzz.dll" "$t" "fuzz/findings/$t" 2>&1 | tail -5
  fi
done
exit $crashed
