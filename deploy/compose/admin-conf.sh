#!/usr/bin/env bash
# Writes a kubeconfig for the docker-compose cluster: an admin client certificate (CN=admin, O=system:masters)
# signed by the cluster CA that the nodes keep in <dataDir>/cluster-ca.pem, server https://<VIP>:16443.
#   deploy/compose/admin-conf.sh [out-file] [container] [server]
# Needs openssl and docker on the host. The key of the cluster CA stays in a temporary directory that is removed.
set -euo pipefail
out="${1:-admin.conf}"
container="${2:-trireme-node1}"
server="${3:-https://172.28.0.100:16443}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
docker cp "$container:/var/lib/trireme/cluster-ca.pem" "$work/cluster-ca.pem"
# cluster-ca.pem is the CA certificate PEM followed by its PKCS#8 private key PEM
sed -n '/-----BEGIN CERTIFICATE-----/,/-----END CERTIFICATE-----/p' "$work/cluster-ca.pem" > "$work/ca.crt"
sed -n '/-----BEGIN PRIVATE KEY-----/,/-----END PRIVATE KEY-----/p' "$work/cluster-ca.pem" > "$work/ca.key"

openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$work/admin.key"
openssl req -new -key "$work/admin.key" -subj "/O=system:masters/CN=admin" -out "$work/admin.csr"
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' \
  > "$work/ext.cnf"
openssl x509 -req -in "$work/admin.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 365 \
  -sha256 -extfile "$work/ext.cnf" -out "$work/admin.crt" 2>/dev/null

b64() { base64 -w0 < "$1"; }
umask 077
cat > "$out" <<EOF2
apiVersion: v1
kind: Config
clusters:
- name: trireme-compose
  cluster:
    server: $server
    certificate-authority-data: $(b64 "$work/ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(b64 "$work/admin.crt")
    client-key-data: $(b64 "$work/admin.key")
contexts:
- name: admin@trireme-compose
  context:
    cluster: trireme-compose
    user: admin
current-context: admin@trireme-compose
EOF2
echo "wrote $out (user admin, server $server)"
