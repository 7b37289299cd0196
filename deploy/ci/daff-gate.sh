#!/usr/bin/env sh
# daff's deploy gate as one pipeline step: asks incident-service whether SERVICE may be deployed now, prints the
# decision and every reason, and fails the job on BLOCK (WARN passes, its reasons printed). An admin's override of a
# decision (POST /api/deploy-decisions/{id}/override) lets a re-run for the same service, environment and GIT_SHA pass
# for a day. Needs curl and jq.
#
#   DAFF_URL, DAFF_TOKEN (ingest role), SERVICE        required
#   ENVIRONMENT (production), KIND (DEPLOY), GIT_SHA, GIT_AUTHOR   optional
#   DAFF_GATE_RETRIES (5)   asks again, 2 s apart, on no connection, a timeout, 408, 429 or 5xx (a rolling update,
#                           a database restart) before it gives up
#   DAFF_GATE_FAIL_OPEN=1   pass when the gate cannot be asked (default: fail, exit 2)
set -eu
body=$(jq -n --arg service "$SERVICE" --arg environment "${ENVIRONMENT:-production}" --arg kind "${KIND:-DEPLOY}" \
  --arg ref "${GIT_SHA:-}" --arg author "${GIT_AUTHOR:-}" \
  '{service: $service, environment: $environment, kind: $kind, ref: $ref, author: $author} | with_entries(select(.value != ""))')
if ! answer=$(curl -sS --max-time 20 --retry "${DAFF_GATE_RETRIES:-5}" --retry-delay 2 --retry-connrefused \
    --fail-with-body -X POST "$DAFF_URL/api/deploy-decisions" \
    -H "Authorization: Bearer $DAFF_TOKEN" -H 'Content-Type: application/json' -d "$body"); then
  echo "daff deploy gate: could not ask ($answer)" >&2
  [ "${DAFF_GATE_FAIL_OPEN:-0}" = 1 ] && exit 0
  exit 2
fi
echo "$answer" | jq -r '"daff deploy gate: \(.decision) for \(.service) in \(.environment) (decision \(.decisionId))",
  (.reasons[] | "  \(.severity) \(.code): \(.text)"),
  (.override // empty | "  overridden by \(.by): \(.reason)")'
if [ "$(echo "$answer" | jq -r .effectiveDecision)" = BLOCK ]; then
  exit 1
fi
