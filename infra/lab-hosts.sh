#!/usr/bin/env bash
# Multi-host lab in one command over ssh: NATS + coordinator on the first host, an edge on
# each EDGE host, headless receivers on each RECEIVER host. Each host needs a checkout with
# scripts/setup.sh run. Phones join with the URL the coordinator prints.
#
#   COORD=lab-1 EDGES="gpu-1 gpu-2" RECEIVERS="pi-1 pi-2" RX_COUNT=10 infra/lab-hosts.sh
#   infra/lab-hosts.sh stop
set -euo pipefail
COORD=${COORD:?set COORD=<coordinator host>}
EDGES=${EDGES:-}
RECEIVERS=${RECEIVERS:-}
RX_COUNT=${RX_COUNT:-1}
DIR=${SEMAIGC_DIR:-semaigc-testbed}
NATS="nats://${COORD}:4222"

if [ "${1:-start}" = stop ]; then
  for h in "$COORD" $EDGES $RECEIVERS; do ssh "$h" "pkill -f 'apps/cli/dist/main.js' || true; pkill -f 'nats-server -c' || true"; done
  exit 0
fi

ssh "$COORD" "cd $DIR && nohup nats-server -c infra/nats/single.conf >nats.log 2>&1 &"
sleep 1
ssh "$COORD" "cd $DIR && nohup node apps/cli/dist/main.js coordinator --nats $NATS --host 0.0.0.0 >coordinator.log 2>&1 &"
for h in $EDGES; do
  ssh "$h" "cd $DIR && nohup node apps/cli/dist/main.js edge --nats $NATS --id edge-$h >edge.log 2>&1 &"
done
for h in $RECEIVERS; do
  ssh "$h" "cd $DIR && nohup node apps/cli/dist/main.js receiver --nats $NATS --count $RX_COUNT --id-prefix rx-$h >receiver.log 2>&1 &"
done
echo "lab: dashboard http://${COORD}:8080/dashboard/ ; run a trial with: semaigc trial run <config> --coordinator http://${COORD}:8080"
