#!/usr/bin/env bash
# netconfd-up.sh STATE_DIR PORT...
#
# The project's own real NETCONF agents for integration tests: for each PORT one
# Debian yuma123 `netconfd` (own datastores, socket, cwd) behind its own OpenSSH
# sshd (own host key) whose `netconf` subsystem points at that netconfd.
# Everything lives under STATE_DIR (a temp dir the test made); stop with
# netconfd-down.sh STATE_DIR. Needs root (sshd switches to the test user).
#
# Env: NC_USER (default nsnctest), NC_PASS (default: random, written to STATE_DIR/password)
# Prints one line per device: "port=P dir=D" and finally "key=STATE_DIR/client_ed25519 user=U".
set -euo pipefail

STATE_DIR=${1:?usage: netconfd-up.sh STATE_DIR PORT...}; shift
[ $# -gt 0 ] || { echo "usage: netconfd-up.sh STATE_DIR PORT..." >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "netconfd-up.sh must run as root (sshd switches user)" >&2; exit 1; }
for bin in netconfd /usr/sbin/netconf-subsystem /usr/sbin/sshd; do
  command -v "$bin" >/dev/null || { echo "missing $bin: run test/setup.sh (packages netconfd openssh-server)" >&2; exit 1; }
done

NC_USER=${NC_USER:-nsnctest}
NC_PASS=${NC_PASS:-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')}
mkdir -p "$STATE_DIR" /run/sshd
chmod 0755 "$STATE_DIR" /run/sshd
id "$NC_USER" >/dev/null 2>&1 || useradd -M -d /nonexistent -s /bin/sh "$NC_USER"
echo "$NC_USER:$NC_PASS" | chpasswd
printf '%s' "$NC_PASS" > "$STATE_DIR/password"; chmod 600 "$STATE_DIR/password"
[ -f "$STATE_DIR/client_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C netsync-test -f "$STATE_DIR/client_ed25519"
cp "$STATE_DIR/client_ed25519.pub" "$STATE_DIR/authorized_keys"; chmod 644 "$STATE_DIR/authorized_keys"

# The tiny YANG model the tests write configs for (patterns, ranges, mandatory, unique).
mkdir -p "$STATE_DIR/yang"
cat > "$STATE_DIR/yang/example-config.yang" <<'YANG'
module example-config {
  yang-version 1.1;
  namespace "urn:example:config";
  prefix ex;
  revision 2024-01-01 { description "initial"; }
  container system {
    leaf hostname { type string { pattern '[a-zA-Z][a-zA-Z0-9\-]{0,62}'; } }
    leaf mtu { type uint16 { range "68..9216"; } default 1500; }
    list interface {
      key name;
      unique vlan;
      leaf name { type string { pattern 'eth[0-9]+'; } }
      leaf description { type string; }
      leaf vlan { type uint16 { range "1..4094"; } mandatory true; }
    }
  }
}
YANG

wait_for() { # wait_for SECONDS CMD...
  local end=$(( $(date +%s) + $1 )); shift
  until "$@" 2>/dev/null; do [ "$(date +%s)" -le "$end" ] || return 1; sleep 0.05; done
}
ssh_banner() { local l; exec 9<>"/dev/tcp/127.0.0.1/$1" || return 1; IFS= read -r -t 2 l <&9; exec 9<&- 9>&-; [[ $l == SSH-2.0-* ]]; }

for port in "$@"; do
  d="$STATE_DIR/dev-$port"
  mkdir -p "$d"; chmod 0755 "$d"
  echo '<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"/>' > "$d/startup-cfg.xml"
  printf '0\n' > "$d/startup-cfg-txid.txt"   # else netconfd shares ~root/.yuma between instances
  ssh-keygen -q -t ed25519 -N '' -f "$d/ssh_host_ed25519_key" <<<y >/dev/null
  # --port must equal the SSH port, or the agent closes the channel before its hello.
  ( cd "$d" && HOME="$d" exec setsid netconfd \
      --modpath="$STATE_DIR/yang:/usr/share/yuma/modules" --module=example-config \
      --target=candidate --with-startup=true --startup="$d/startup-cfg.xml" \
      --access-control=off --port="$port" --ncxserver-sockname="$d/ncxserver.sock" \
      --log="$d/netconfd.log" --log-level=info </dev/null >"$d/netconfd.out" 2>&1 ) &
  echo $! > "$d/netconfd.pid"
  wait_for 20 test -S "$d/ncxserver.sock" || { echo "netconfd on $port did not start; see $d/netconfd.log" >&2; exit 1; }
  cat > "$d/sshd_config" <<CFG
ListenAddress 127.0.0.1:$port
HostKey $d/ssh_host_ed25519_key
PidFile none
UsePAM no
StrictModes no
AuthorizedKeysFile $STATE_DIR/authorized_keys
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin no
AllowUsers $NC_USER
X11Forwarding no
AllowTcpForwarding no
PrintMotd no
MaxStartups 100:30:200
Subsystem netconf /usr/sbin/netconf-subsystem --ncxserver-sockname=$port@$d/ncxserver.sock
CFG
  /usr/sbin/sshd -t -f "$d/sshd_config"
  setsid /usr/sbin/sshd -D -e -f "$d/sshd_config" </dev/null >"$d/sshd.log" 2>&1 &
  echo $! > "$d/sshd.pid"
  wait_for 20 ssh_banner "$port" || { echo "sshd on $port did not start; see $d/sshd.log" >&2; exit 1; }
  echo "port=$port dir=$d"
done
echo "key=$STATE_DIR/client_ed25519 user=$NC_USER"
