#!/bin/sh
# How the *-captured-retraction-* fixtures were made (documentation, not part of the test suite).
# A line of three network namespaces x - y - z; z owns the stub prefix 2001:db8:3::/64 on
# lan0, x owns 2001:db8:1::/64 and a kernel `unreachable` aggregate fdcd:5cb4:d0e1::/48
# that the daemon learns or redistributes. One daemon at a time:
#   bird2-babel  BIRD 2 (Debian bird2) Babel          birdc show route [all]
#   bird16-babel BIRD 1.6.8 (bird6 from the bird .deb) birdc6 show route [all]
#   bird16-rip   BIRD 1.6.8 RIPng                      birdc6 show route [all]
#   babeld       Debian babeld 1.12 (-G port)          dump on the local port
# Steps: converge; cut y-z (ip link set vyz down) and capture on x and y every 0.5 s
# for 8 s; restore and capture once converged again. `ip -6 route` is captured beside.
# Usage (root): sh capture-retraction.sh OUTDIR BIRD16_SBIN_DIR
# Cleans up namespaces and daemons at exit.
set -eu
OUT=${1:-/tmp/mfcap-retraction}
B16=${2:-/tmp/bird16/root/usr/sbin}
WORK=$(mktemp -d /tmp/mfcap-ret-XXXXXX)
NODES="x y z"
mkdir -p "$OUT"

cleanup() {
  for f in "$WORK"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  sleep 1
  for n in $NODES; do ip netns del "mfcap-$n" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

build() {
  for n in $NODES; do ip netns del "mfcap-$n" 2>/dev/null || true; done
  for n in $NODES; do
    ip netns add "mfcap-$n"; ip -n "mfcap-$n" link set lo up
    ip netns exec "mfcap-$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.forwarding=1
  done
  for p in "x y" "y z"; do
    set -- $p
    ip netns exec "mfcap-$1" ip link add "v$1$2" type veth peer name "v$2$1" netns "mfcap-$2"
    ip -n "mfcap-$1" link set "v$1$2" up; ip -n "mfcap-$2" link set "v$2$1" up
  done
  i=1
  for n in $NODES; do
    ip -n "mfcap-$n" link add lan0 type veth peer name lan1
    ip -n "mfcap-$n" addr add "2001:db8:$i::1/64" dev lan0
    ip -n "mfcap-$n" link set lan0 up; ip -n "mfcap-$n" link set lan1 up
    i=$((i + 1))
  done
  ip -n mfcap-x route add unreachable fdcd:5cb4:d0e1::/48
  sleep 1
}

rid() { case $1 in x) echo 1;; y) echo 2;; z) echo 3;; esac; }

conf2() { cat <<CONF
router id 10.255.0.$(rid "$1");
protocol device { scan time 1; }
protocol direct direct1 { ipv6; interface "lan0"; }
protocol kernel kernel1 { learn; ipv6 { import where net = fdcd:5cb4:d0e1::/48; export where source != RTS_DEVICE; }; }
protocol babel babel1 {
  ipv6 { import all; export all; };
  interface "v*" { type wired; hello interval 1 s; update interval 4 s; };
}
CONF
}
conf16() { cat <<CONF
router id 10.255.0.$(rid "$1");
protocol device { scan time 1; }
protocol direct direct1 { interface "lan0"; }
protocol kernel kernel1 { learn; import where net = fdcd:5cb4:d0e1::/48; export where source != RTD_DEVICE; }
CONF
  if [ "$2" = rip ]; then cat <<CONF
protocol rip rip1 { import all; export all; interface "v*" { update time 2; timeout time 10; }; }
CONF
  else cat <<CONF
protocol babel babel1 { import all; export all; interface "v*" { type wired; hello interval 1; update interval 4; }; }
CONF
  fi
}
confbabeld() { cat <<CONF
local-port-readwrite 33123
redistribute ip 2001:db8::/32 ge 64 le 64 metric 128
redistribute ip fdcd:5cb4:d0e1::/48 eq 48 metric 128
redistribute local deny
redistribute deny
default hello-interval 1
CONF
  for ifc in $(ip -n "mfcap-$1" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep '^v'); do echo "interface $ifc type wired"; done
}

# show DAEMON NODE : the daemon's route view on NODE
show() {
  case $1 in
    bird2-*) birdc -s "$WORK/$2.ctl" show route; echo "--- all"; birdc -s "$WORK/$2.ctl" show route all ;;
    bird16-*) "$B16/birdc6" -s "$WORK/$2.ctl" show route; echo "--- all"; "$B16/birdc6" -s "$WORK/$2.ctl" show route all ;;
    babeld) printf 'dump\nquit\n' | ip netns exec "mfcap-$2" socat -t 2 - TCP6:[::1]:33123 ;;
  esac
}

run() {
  d=$1
  build
  for n in $NODES; do
    case $d in
      bird2-babel) conf2 "$n" > "$WORK/$n.conf"; ip netns exec "mfcap-$n" bird -c "$WORK/$n.conf" -s "$WORK/$n.ctl" -P "$WORK/$n.pid" ;;
      bird16-rip) conf16 "$n" rip > "$WORK/$n.conf"; ip netns exec "mfcap-$n" "$B16/bird6" -c "$WORK/$n.conf" -s "$WORK/$n.ctl" -P "$WORK/$n.pid" ;;
      bird16-babel) conf16 "$n" babel > "$WORK/$n.conf"; ip netns exec "mfcap-$n" "$B16/bird6" -c "$WORK/$n.conf" -s "$WORK/$n.ctl" -P "$WORK/$n.pid" ;;
      babeld) confbabeld "$n" > "$WORK/$n.conf"; ip netns exec "mfcap-$n" babeld -c "$WORK/$n.conf" -I "$WORK/$n.pid" -S "$WORK/$n.state" -L "$WORK/$n.log" -D ;;
    esac
  done
  sleep 15
  for n in x y; do { echo "# captured: before the cut on $n"; show "$d" "$n"; echo "--- ip -6 route"; ip -n "mfcap-$n" -6 route; } > "$OUT/$d-$n-0-before.txt"; done
  ip -n mfcap-y link set vyz down
  t=1
  while [ $t -le 16 ]; do
    sleep 0.5
    for n in x y; do { echo "# captured: $t/2 s after the y-z cut on $n"; show "$d" "$n"; echo "--- ip -6 route"; ip -n "mfcap-$n" -6 route; } > "$OUT/$d-$n-1-cut-$t.txt"; done
    t=$((t + 1))
  done
  ip -n mfcap-y link set vyz up
  sleep 15
  for n in x y; do { echo "# captured: after the restore on $n"; show "$d" "$n"; echo "--- ip -6 route"; ip -n "mfcap-$n" -6 route; } > "$OUT/$d-$n-2-restored.txt"; done
  for f in "$WORK"/*.pid; do kill "$(cat "$f")" 2>/dev/null || true; rm -f "$f"; done
  sleep 1
}

for d in ${DAEMONS:-bird2-babel bird16-babel bird16-rip babeld}; do run "$d"; done
