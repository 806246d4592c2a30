#!/usr/bin/env bash
# Installs what the integration tests need on a fresh machine (Debian packages),
# so `npm test` works from a clean clone. Idempotent: installed packages are skipped.
set -euo pipefail

# Debian packages the integration tests use. Each line: package name.
PACKAGES=(
  git
  openssh-client
  netconfd        # real NETCONF agent (yuma123) for test/integration/netconfd; not netconfd-module-ietf-interfaces
  openssh-server  # sshd fronting netconfd's netconf subsystem
  nagios4-core              # real Nagios for test/integration/alarms (the tests write their own nagios.cfg)
  monitoring-plugins-basic  # check_dummy, the freshness command of the passive-check test
  prometheus                # real Prometheus scraping /metrics; promtool checks the example rule
  prometheus-alertmanager   # real Alertmanager receiving netsync's alert notifications
  python3-ncclient          # independent NETCONF client driving the lab in test/integration/lab
  chromium                  # real browser: the PR-check page and the web interface (playwright-core drives it)
  postgresql                # real PostgreSQL for test/integration/store (127.0.0.1:5432, user postgres; NETSYNC_TEST_PG_URL for another)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "test setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The PostgreSQL store tests create and drop their own databases on 127.0.0.1:5432 (trust auth for postgres).
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null && [ -z "${NETSYNC_TEST_PG_URL:-}" ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  { $SUDO pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || $SUDO service postgresql start; } >/dev/null 2>&1 || echo "test setup: PostgreSQL is not running on 127.0.0.1:5432; the store tests will fail until it is"
fi
echo "test setup: ok"
