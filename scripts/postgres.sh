#!/usr/bin/env bash
# Start the Debian PostgreSQL cluster if it is down and make sure the oneseal role exists.
# Prints the DATABASE_URL to use. Tests create and drop their own test_* database.
set -euo pipefail
PGVER=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1 || true)
if [ -z "$PGVER" ]; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q postgresql >/dev/null; PGVER=$(ls /etc/postgresql | sort -V | tail -n1); else
    echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; fi
fi
if ! pg_lsclusters -h | awk -v v="$PGVER" '$1==v && $2=="main" && $4=="online"' | grep -q .; then
  pg_ctlcluster "$PGVER" main start >&2
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
run_psql() { if [ "$(id -u)" = 0 ]; then su postgres -c "psql -v ON_ERROR_STOP=1 -q $*"; else sudo -u postgres psql -v ON_ERROR_STOP=1 -q "$@"; fi; }
run_psql "-c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='oneseal') THEN CREATE ROLE oneseal LOGIN CREATEDB PASSWORD 'oneseal'; END IF; END \\\$\\\$;\"" >&2
if ! run_psql "-tAc \"SELECT 1 FROM pg_database WHERE datname='oneseal'\"" | grep -q 1; then
  run_psql "-c 'CREATE DATABASE oneseal OWNER oneseal'" >&2
fi
echo "postgres://oneseal:oneseal@127.0.0.1:5432/oneseal"
