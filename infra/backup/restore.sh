#!/bin/sh
# Restores a dump written by backup.sh into the database named by DATABASE_URL.
#   DATABASE_URL=postgresql://user:pass@host:5432/job_agent sh restore.sh /backups/job_agent-20250101T030000Z.dump
# The database is created when it does not exist. An existing database is replaced only with --force
# (stop the api, worker and scheduler first: connections to it are terminated). The restore runs in
# one transaction: it either completes or leaves an empty database, never a half-restored one.
set -eu

usage() {
  echo "usage: DATABASE_URL=postgresql://... restore.sh [--force] <dump-file>" >&2
  exit 2
}

force=no
dump=
for arg in "$@"; do
  case $arg in
    --force) force=yes ;;
    -*) usage ;;
    *) [ -z "$dump" ] || usage; dump=$arg ;;
  esac
done
[ -n "$dump" ] || usage
: "${DATABASE_URL:?DATABASE_URL must name the database to restore into}"
[ -r "$dump" ] || { echo "restore: cannot read $dump" >&2; exit 1; }
pg_restore --list "$dump" >/dev/null || { echo "restore: $dump is not a pg_dump custom-format archive" >&2; exit 1; }

# postgresql://user:pass@host:port/name?params → the database name, and the same URL on `postgres`.
db=$(printf '%s\n' "$DATABASE_URL" | sed -E 's#^postgres(ql)?://[^/]*/([^?]*).*$#\2#')
admin_url=$(printf '%s\n' "$DATABASE_URL" | sed -E 's#^(postgres(ql)?://[^/]*)/[^?]*#\1/postgres#')
case $db in
  '' | *[!A-Za-z0-9_-]*) echo "restore: DATABASE_URL must end in a plain database name (got '$db')" >&2; exit 2 ;;
esac

exists=$(psql "$admin_url" -v ON_ERROR_STOP=1 -Atc "select 1 from pg_database where datname = '$db'")
if [ "$exists" = 1 ]; then
  if [ "$force" != yes ]; then
    echo "restore: database $db exists; pass --force to replace it" >&2
    exit 1
  fi
  echo "restore: dropping database $db" >&2
  psql "$admin_url" -v ON_ERROR_STOP=1 -qc "drop database \"$db\" with (force)"
fi
psql "$admin_url" -v ON_ERROR_STOP=1 -qc "create database \"$db\""

echo "restore: restoring $dump into $db" >&2
pg_restore --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$DATABASE_URL" "$dump"
echo "restore: done" >&2
