#!/bin/sh
# Dumps the job-agent database to $BACKUP_DIR in pg_dump's custom format (compressed, restorable
# table by table) and deletes dumps older than $BACKUP_RETENTION_DAYS days.
#   DATABASE_URL=postgresql://user:pass@host:5432/job_agent BACKUP_DIR=/backups sh backup.sh
# In production compose.prod.yml runs it in the `backup` service (infra/backup/nightly.sh, from cron).
# Prints the path of the new dump on stdout.
set -eu

: "${DATABASE_URL:?DATABASE_URL must name the database to dump}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/job-agent}
BACKUP_RETENTION_DAYS=${BACKUP_RETENTION_DAYS:-14}
BACKUP_PREFIX=${BACKUP_PREFIX:-job_agent}

case $BACKUP_RETENTION_DAYS in
  '' | *[!0-9]*) echo "backup: BACKUP_RETENTION_DAYS must be a whole number of days" >&2; exit 2 ;;
esac

umask 077
mkdir -p "$BACKUP_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
final="$BACKUP_DIR/$BACKUP_PREFIX-$stamp.dump"
partial="$final.partial"

# Written under a temporary name and renamed when complete: a dump that failed half-way never
# looks like a backup, and retention never deletes the last good one in favour of it.
trap 'rm -f "$partial"' EXIT
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$partial" --dbname="$DATABASE_URL"
# A dump that pg_restore cannot list is no backup.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$final"
trap - EXIT

# Retention: only this prefix's complete dumps, and never the one just written.
find "$BACKUP_DIR" -maxdepth 1 -type f -name "$BACKUP_PREFIX-*.dump" -mtime +"$BACKUP_RETENTION_DAYS" ! -path "$final" -print -delete >&2

echo "backup: wrote $final ($(wc -c <"$final" | tr -d ' ') bytes)" >&2
echo "$final"
