#!/usr/bin/env bash
# Runs the whole daff suite on this machine: PostgreSQL, Kafka and the three services, no Docker.
# Data is kept in .daff-local/ (delete it to start afresh). Ctrl-C stops everything.
#   ./run-local.sh           build, then start the suite
#   ./run-local.sh --no-build  start what was built last time
set -euo pipefail
cd "$(dirname "$0")"
if [[ "${1:-}" != "--no-build" ]]; then
  echo "daff: building (./mvnw package -DskipTests) ..."
  ./mvnw -B -q package -DskipTests
else
  shift
fi
exec java -Xmx1g -Ddaff.root="$PWD" -cp "local-infra/target/classes:local-infra/target/lib/*" \
  dev.daff.localinfra.LocalSuite "$@"
