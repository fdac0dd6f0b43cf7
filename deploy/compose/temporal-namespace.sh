#!/bin/sh
# Registers the namespace (TEMPORAL_NAMESPACE, retention TEMPORAL_NAMESPACE_RETENTION) and the search attributes given
# as arguments, NAME=TYPE. Both are idempotent, so this runs on every `docker compose up`.
set -eu

# An open port is not a serving server: wait until the cluster answers, as Temporal's own create-namespace script does.
attempt=1
until temporal operator cluster health >/dev/null 2>&1; do
  [ "$attempt" -lt 60 ] || { echo "Temporal at $TEMPORAL_ADDRESS not healthy after $attempt attempts" >&2; exit 1; }
  attempt=$((attempt + 1))
  sleep 2
done

temporal operator namespace describe --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1 ||
  temporal operator namespace create --namespace "$TEMPORAL_NAMESPACE" --retention "$TEMPORAL_NAMESPACE_RETENTION"

# One --name and one --type per attribute: the CLI pairs them by position and ignores names beyond the types given.
for pair in "$@"; do
  shift
  set -- "$@" --name "${pair%%=*}" --type "${pair#*=}"
done
# A namespace just created reaches the frontend's namespace cache within seconds; until then the call is refused.
attempt=1
until temporal operator search-attribute create --namespace "$TEMPORAL_NAMESPACE" "$@"; do
  [ "$attempt" -lt 30 ] || { echo "search attributes not registered after $attempt attempts" >&2; exit 1; }
  attempt=$((attempt + 1))
  sleep 2
done
