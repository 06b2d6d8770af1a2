#!/usr/bin/env bash
# Submits the Tally jobs to the compose stack's Flink session cluster, each with its jobs/<job>.yaml, detached.
# The configuration is loaded here, in the client: KAFKA_BOOTSTRAP_SERVERS fills ${KAFKA_BOOTSTRAP_SERVERS} of the
# YAML files. A job already running under the same name is not submitted twice.
set -euo pipefail
jobmanager="${JOBMANAGER:-jobmanager:8081}"
for job in ${JOBS:-attribution kpis alerts}; do
  name="tally-${job}"
  if /opt/flink/bin/flink list -m "$jobmanager" 2>/dev/null | grep -q ": ${name} (RUNNING)"; then
    echo "submit: ${name} is already running"
    continue
  fi
  /opt/flink/bin/flink run -d -m "$jobmanager" /opt/tally/tally-job.jar "$job" --config "/opt/tally/jobs/${job}.yaml"
done
/opt/flink/bin/flink list -m "$jobmanager"
