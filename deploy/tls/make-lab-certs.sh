#!/usr/bin/env sh
# Certificates for a lab install: a CA, the broker's certificate (names: mosquitto, the
# compose host name; localhost and 127.0.0.1, for a broker reached through a published
# port; and any extra names in ACS_TLS_BROKER_NAMES), the load balancer's certificate, and
# optionally one client certificate per agent id given as an argument.
#
#   deploy/tls/make-lab-certs.sh <out-dir> [agent-id ...]
#
# A lab CA, not a production PKI: its key sits beside the certificates it signed. Keep
# <out-dir> off any shared volume, give agents only ca.crt (and their own pair), and use
# your organisation's CA for a real site. An existing CA in <out-dir> is reused, so adding
# an agent later does not invalidate what is installed.
set -eu

out=${1:?usage: make-lab-certs.sh <out-dir> [agent-id ...]}
shift
days=${ACS_TLS_DAYS:-825}
mkdir -p "$out"
cd "$out"
umask 077

if [ ! -f ca.key ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
    -subj "/CN=ACS lab CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

# sign <name> <subject CN> <extension lines>
sign() {
  printf '%s\n' "$3" > "$1.ext"
  openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$1.crt" -days "$days" -extfile "$1.ext" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

san="DNS:mosquitto,DNS:localhost,IP:127.0.0.1"
for name in ${ACS_TLS_BROKER_NAMES:-}; do
  case $name in
    *[!0-9.]*) san="$san,DNS:$name" ;;
    *) san="$san,IP:$name" ;;
  esac
done
sign broker mosquitto "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=$san"

sign https acs "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1${ACS_TLS_HTTPS_NAMES:+,DNS:$ACS_TLS_HTTPS_NAMES}"

# The certificate's CN becomes the MQTT username on a listener with use_identity_as_username.
for agent in "$@"; do
  sign "$agent" "$agent" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth"
done

# Mosquitto in its container runs as uid 1883 and must read its key; the CA key stays private.
chmod 644 ca.crt broker.crt https.crt broker.key https.key
for agent in "$@"; do chmod 644 "$agent.crt"; chmod 600 "$agent.key"; done
echo "lab certificates in $(pwd): ca.crt, broker.{crt,key}, https.{crt,key}${*:+, agents: $*}"
