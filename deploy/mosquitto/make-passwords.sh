#!/bin/sh
# Writes the broker's password file from the secrets in the environment, then exits.
# Runs as a one-shot service before Mosquitto starts (docker-compose.yml).
set -eu
: "${ACS_MQTT_SERVER_PASSWORD:?set ACS_MQTT_SERVER_PASSWORD}"
: "${ACS_AGENT_1_MQTT_PASSWORD:?set ACS_AGENT_1_MQTT_PASSWORD}"
: "${ACS_AGENT_2_MQTT_PASSWORD:?set ACS_AGENT_2_MQTT_PASSWORD}"
file=/mosquitto/passwords/passwd
rm -f "$file"
touch "$file"
chmod 0600 "$file"
mosquitto_passwd -b "$file" acs-server "$ACS_MQTT_SERVER_PASSWORD"
mosquitto_passwd -b "$file" agent-1 "$ACS_AGENT_1_MQTT_PASSWORD"
mosquitto_passwd -b "$file" agent-2 "$ACS_AGENT_2_MQTT_PASSWORD"
chown mosquitto:mosquitto "$file" 2>/dev/null || true
