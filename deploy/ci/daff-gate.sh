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
#   DAFF_GATE_FAIL_OPEN=1   pass when the gate cannot be asked (no connection, a timeout, 408, 429 or 5xx after the
#                           retries; default: fail, exit 2). A refusal of the question (a redirect, a 4xx: a wrong
#                           DAFF_URL, an expired token, a bad KIND) or an answer without a decision always fails, exit 2:
#                           only ALLOW and WARN pass
set -eu
body=$(jq -n --arg service "$SERVICE" --arg environment "${ENVIRONMENT:-production}" --arg kind "${KIND:-DEPLOY}" \
  --arg ref "${GIT_SHA:-}" --arg author "${GIT_AUTHOR:-}" \
  '{service: $service, environment: $environment, kind: $kind, ref: $ref, author: $author} | with_entries(select(.value != ""))')
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=$(curl -sS --max-time 20 --retry "${DAFF_GATE_RETRIES:-5}" --retry-delay 2 --retry-connrefused \
    -o "$out" -w '%{http_code}' -X POST "$DAFF_URL/api/deploy-decisions" \
    -H "Authorization: Bearer $DAFF_TOKEN" -H 'Content-Type: application/json' -d "$body") || status=000
answer=$(cat "$out")
case "$status" in
  2??) ;;
  000|408|429|5??)
    echo "daff deploy gate: could not ask (HTTP $status) $answer" >&2
    [ "${DAFF_GATE_FAIL_OPEN:-0}" = 1 ] && exit 0
    exit 2 ;;
  *)
    # Not "could not ask": the question itself was refused or sent elsewhere, which failing open would let every
    # deploy through unasked for as long as it lasts (an expired token, an http URL an ingress redirects to https).
    echo "daff deploy gate: the gate refused the question (HTTP $status) $answer" >&2
    exit 2 ;;
esac
decision=$(printf '%s' "$answer" | jq -r '.effectiveDecision // empty' 2>/dev/null || true)
case "$decision" in
  ALLOW|WARN|BLOCK) ;;
  *)
    echo "daff deploy gate: the answer holds no decision (HTTP $status) $answer" >&2
    exit 2 ;;
esac
printf '%s' "$answer" | jq -r '"daff deploy gate: \(.decision) for \(.service) in \(.environment) (decision \(.decisionId))",
  (.reasons[] | "  \(.severity) \(.code): \(.text)"),
  (.override // empty | "  overridden by \(.by): \(.reason)")'
if [ "$decision" = BLOCK ]; then
  exit 1
fi
