#!/usr/bin/env bash
# Runs every SynAck test project and ends with one line: "N passed, N failed, N skipped".
# As root it first installs the Debian tools the interop tests and `synack bench http` use (tshark, tcpdump, scapy, wrk, nmap, hping3...)
# (and headless Chromium for the SVG/HTML screenshot tests) when they are missing, so a fresh machine needs nothing done by hand.
set -uo pipefail
cd "$(dirname "$0")"

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
have tshark  || need_pkgs+=(tshark)
have tcpdump || need_pkgs+=(tcpdump)
have ip      || need_pkgs+=(iproute2)
have curl    || need_pkgs+=(curl)
have socat   || need_pkgs+=(socat)
have iperf3  || need_pkgs+=(iperf3)
have wrk     || need_pkgs+=(wrk)
have ping    || need_pkgs+=(iputils-ping)
have nmap    || need_pkgs+=(nmap)
have hping3  || need_pkgs+=(hping3)
have ethtool || need_pkgs+=(ethtool)
[ -x /usr/bin/chromium ] || need_pkgs+=(chromium)
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import scapy' >/dev/null 2>&1 || need_pkgs+=(python3 python3-scapy)

if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${need_pkgs[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
    { apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need_pkgs[@]}"; } >/tmp/synack-apt.log 2>&1 \
      || { echo "test.sh: apt-get failed, see /tmp/synack-apt.log" >&2; tail -5 /tmp/synack-apt.log >&2; }
  else
    echo "test.sh: not root; interop tests that need ${need_pkgs[*]} will skip" >&2
  fi
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet test --solution SynAck.slnx -c Release "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# Microsoft.Testing.Platform's run summary: "failed: N", "succeeded: N", "skipped: N".
sum() { grep -E "^\s+$1: [0-9]+" "$log" | tail -1 | grep -oE '[0-9]+' || echo 0; }
passed=$(sum succeeded); failed=$(sum failed); skipped=$(sum skipped)
if [ "$rc" -ne 0 ] && [ "$failed" = 0 ]; then
  # The build or the runner itself failed before any test reported.
  failed=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$rc"
