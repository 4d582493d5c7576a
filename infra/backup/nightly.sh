#!/bin/sh
# Nightly backup on the server (cron, see docs/deploy.md): dumps Postgres through the compose `backup`
# service into $BACKUP_HOST_DIR, prunes old dumps, and copies them off the machine when
# BACKUP_RSYNC_TARGET is set (e.g. a Hetzner Storage Box over ssh on port 23).
#   infra/backup/nightly.sh            (from the repository root, next to .env)
set -eu

cd "$(dirname "$0")/../.."
[ -f .env ] || { echo "nightly: no .env in $(pwd)" >&2; exit 1; }
# Only the backup settings are read from .env, line by line, without evaluating it as shell.
setting() { sed -n "s/^$1=//p" .env | tail -n 1 | sed -e "s/^'\(.*\)'\$/\1/" -e 's/^"\(.*\)"$/\1/'; }
host_dir=$(setting BACKUP_HOST_DIR)
target=$(setting BACKUP_RSYNC_TARGET)
port=$(setting BACKUP_RSYNC_PORT)

docker compose -p job-agent --env-file .env -f docker/compose.prod.yml --profile tools run --rm -T backup

if [ -n "$target" ]; then
  # --delete mirrors local retention to the copy; the copy never holds what the server pruned.
  rsync -a --delete -e "ssh -p ${port:-23} -o BatchMode=yes" "${host_dir:-/var/backups/job-agent}/" "$target/"
  echo "nightly: copied to $target" >&2
fi
