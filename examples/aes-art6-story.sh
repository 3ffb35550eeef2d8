#!/usr/bin/env bash
# The AES art. 6 story through the API, as the README tells it: an attack on Niger, a case,
# consultation, positions, a decision, a request for two companies, pledges from Burkina Faso
# and Mali, one accepted and one declined, a deployment on site, stand-down, closure, and the
# compliance figures. Needs curl and jq, and a server started with the demo accounts:
#   npm start            (or: npx foedus serve --demo --db /tmp/story.db --no-ui)
#   FOEDUS_URL=http://127.0.0.1:8080 examples/aes-art6-story.sh
set -euo pipefail
URL=${FOEDUS_URL:-http://127.0.0.1:8080}
PASSWORD=${FOEDUS_DEMO_PASSWORD:-foedus-demo}

# A session per demo account: sign in, keep the cookie and the CSRF token.
jar() { echo "/tmp/foedus-story-$1.cookies"; }
declare -A CSRF
signin() {
  CSRF[$1]=$(curl -sf -c "$(jar "$1")" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$PASSWORD\"}" "$URL/api/v1/auth/login" | jq -r .csrfToken)
}
# call USER METHOD PATH [JSON]
call() {
  local who=$1 method=$2 path=$3 body=${4:-}
  curl -s -b "$(jar "$who")" -H "x-csrf-token: ${CSRF[$who]}" -H 'content-type: application/json' \
    -X "$method" ${body:+-d "$body"} "$URL$path"
}
for u in secretariat liaison-ner liaison-bfa liaison-mli; do signin "$u"; done

# 1. The duty officer records the attack and opens a case on art. 6.
INCIDENT=$(call secretariat POST /api/v1/incidents '{"incident":{"date":"2026-03-01","kind":"armed_attack",
  "location":{"lat":14.2,"lon":1.45,"country":"NER"},"perpetrator":{"type":"non_state_armed_group"},
  "target":{"type":"armed_forces","country":"NER"},"fatalities":20},"placeName":"Tillabéri"}' | jq -r .id)
CASE=$(call secretariat POST /api/v1/cases "{\"incidentId\":\"$INCIDENT\",\"charter\":\"aes-2023\",
  \"provision\":\"6.collective_defence\",\"reason\":\"Attack on Niger confirmed\"}" | jq .case.id)
echo "case $CASE opened"

# step USER JSON: takes a step on the case with its current version; prints the new state.
step() {
  local v; v=$(call "$1" GET "/api/v1/cases/$CASE" | jq .case.version)
  call "$1" POST "/api/v1/cases/$CASE/steps" "{\"version\":$v,\"step\":$2}" | jq -r '.case.state // .error.message'
}
step liaison-bfa '{"type":"acknowledge","party":"BFA"}'
step liaison-mli '{"type":"acknowledge","party":"MLI"}'
step secretariat '{"type":"start_consultation","reason":"Council convened"}'
step liaison-ner '{"type":"record_position","party":"NER","value":"support"}'
step liaison-bfa '{"type":"record_position","party":"BFA","value":"support"}'
step secretariat '{"type":"record_decision","reason":"too early"}'     # refused: needs Mali's position
step liaison-mli '{"type":"record_position","party":"MLI","value":"support","statement":"Le Mali se tient aux côtés du Niger."}'
step secretariat '{"type":"record_decision","reason":"Heads of state, unanimous"}'
step secretariat '{"type":"activate","reason":"Assistance begins"}'

# 2. Niger asks for two companies; Burkina Faso and Mali pledge; Niger accepts one, declines the other.
step liaison-ner '{"type":"post_request","capability":"troops","quantity":2,"unit":"company",
  "where":{"lat":14.2,"lon":1.45,"area":"Tillabéri"},"from":"2026-03-05","priority":"critical"}'
step liaison-bfa '{"type":"pledge","request":"R1","party":"BFA","quantity":2,"availableFrom":"2026-03-06"}'
step liaison-mli '{"type":"pledge","request":"R1","party":"MLI","quantity":1,"availableFrom":"2026-03-07"}'
step liaison-ner '{"type":"accept_pledge","pledge":"P1","reason":"covers the need"}'
step liaison-ner '{"type":"decline_pledge","pledge":"P2","reason":"R1 covered by P1"}'

# 3. Burkina Faso deploys; the companies reach the site; stand-down; closure.
step liaison-bfa '{"type":"report_deployment","pledge":"P1","status":"in_transit","at":"2026-03-06T06:00:00Z","quantity":2,"personnel":300}'
step liaison-bfa '{"type":"update_deployment","deployment":"D1","status":"on_site","at":"2026-03-06T15:00:00Z"}'
step secretariat '{"type":"stand_down","reason":"Security restored in Tillabéri"}'
step liaison-bfa '{"type":"update_deployment","deployment":"D1","status":"withdrawn","at":"2026-03-09T10:00:00Z"}'
step secretariat '{"type":"close","reason":"Forces home"}'

# 4. Who honoured what.
call secretariat GET "/api/v1/cases/$CASE/compliance" | jq -r '.parties[].text.en'
call secretariat GET "/api/v1/cases/$CASE/export?format=html&lang=fr" > "/tmp/foedus-case-$CASE.html"
echo "report: /tmp/foedus-case-$CASE.html"
