#!/usr/bin/env bash
# Deploys (or updates) job-agent on the server, from the repository checkout that holds .env:
#   infra/hetzner/deploy.sh            build the images here from the checked-out commit
#   infra/hetzner/deploy.sh --pull     pull prebuilt images (IMAGE_PREFIX / IMAGE_TAG in .env) instead
# Steps: build or pull → Postgres and Redis up → migrate (one-shot) → roll the api and the workers
# one container at a time (a new one is healthy before an old one gets SIGTERM; workers drain their
# running jobs within stop_grace_period) → recreate the scheduler → Caddy up.
set -euo pipefail

cd "$(dirname "$0")/../.."
[[ -f .env ]] || { echo "deploy: no .env here ($(pwd)); copy docker/prod.env.example to .env and fill it in" >&2; exit 1; }

compose() { docker compose -p job-agent --env-file .env -f docker/compose.prod.yml "$@"; }
log() { printf '%s deploy: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

pull=no
for arg in "$@"; do
  case $arg in
    --pull) pull=yes ;;
    *) echo "usage: deploy.sh [--pull]" >&2; exit 2 ;;
  esac
done

compose config --quiet

if [[ $pull == yes ]]; then
  log "pulling images"
  compose pull api worker scheduler migrate
else
  log "building images from $(git rev-parse --short HEAD 2>/dev/null || echo 'this checkout')"
  compose build api worker scheduler migrate
fi

log "starting postgres and redis"
compose up -d --wait postgres redis

log "migrating"
compose run --rm migrate

# Waits until a container's health check passes (or it has none and runs).
wait_healthy() {
  local id=$1 status
  for _ in $(seq 1 90); do
    status=$(docker inspect --format '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$id")
    case $status in
      healthy | running) return 0 ;;
      unhealthy | exited | dead) break ;;
    esac
    sleep 2
  done
  echo "deploy: container $id is $status" >&2
  docker logs --tail 50 "$id" >&2 || true
  return 1
}

# Rolls a service to the new image without a gap: for each old container, start one new container
# next to it, wait until it is healthy, then stop the old one (SIGTERM, then stop_grace_period).
roll() {
  local service=$1 want=$2 old new id
  mapfile -t old < <(compose ps -q "$service")
  if [[ ${#old[@]} -eq 0 ]]; then
    log "$service: starting $want"
    compose up -d --no-deps --scale "$service=$want" "$service"
    for id in $(compose ps -q "$service"); do wait_healthy "$id"; done
    return
  fi
  log "$service: rolling ${#old[@]} container(s) to $want"
  local count=${#old[@]}
  for id in "${old[@]}"; do
    compose up -d --no-deps --no-recreate --scale "$service=$((count + 1))" "$service"
    for new in $(compose ps -q "$service"); do
      [[ " ${old[*]} " == *" $new "* ]] || wait_healthy "$new"
    done
    log "$service: stopping old container ${id:0:12}"
    docker stop "$id" >/dev/null
    docker rm "$id" >/dev/null
  done
  compose up -d --no-deps --no-recreate --scale "$service=$want" "$service"
}

replicas=$(sed -n 's/^WORKER_REPLICAS=//p' .env | tail -n 1)
roll api 1
roll worker "${replicas:-2}"

log "scheduler: recreating (exactly one runs)"
compose up -d --no-deps --force-recreate scheduler

log "caddy"
compose up -d --no-deps caddy

compose ps
log "done"
