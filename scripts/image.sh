#!/usr/bin/env bash
# Builds the Argo CD sidecar image (Containerfile) from a hubgw binary,
# offline, and checks that the image holds the binary and plugin.yaml where
# the sidecar patch (docs/guide.md, "Argo CD") expects them and that the binary runs
# in it as user 999.
#
#   scripts/image.sh IMAGE [BINARY]   # BINARY: default, scripts/dist.sh's
set -euo pipefail
cd "$(dirname "$0")/.."

image=${1:?usage: scripts/image.sh IMAGE [BINARY]}
bin=${2:-$(scripts/dist.sh | sed -n 1p)}
mkdir -p dist
cp "$bin" dist/hubgw
podman build -q -t "$image" -f Containerfile . >/dev/null

# No entrypoint (the patch names the command), so create names one.
id=$(podman create "$image" /usr/local/bin/hubgw)
trap 'podman rm -f "$id" >/dev/null' EXIT
tmp=$(mktemp -d)
podman cp "$id:/usr/local/bin/hubgw" "$tmp/hubgw"
podman cp "$id:/home/argocd/cmp-server/config/plugin.yaml" "$tmp/plugin.yaml"
cmp "$tmp/hubgw" dist/hubgw
cmp "$tmp/plugin.yaml" argocd/plugin.yaml
[[ $(podman image inspect -f '{{.Config.User}}' "$image") == 999:999 ]]
# The binary runs with nothing else in the image (static: no libc), as 999.
# As root, in a chroot of the image's files: that also works where a sandbox
# lets podman build but not start containers.
if [[ $(id -u) == 0 ]]; then
  mkdir "$tmp/root"
  podman export "$id" | tar -x -C "$tmp/root"
  chroot --userspec=999:999 "$tmp/root" /usr/local/bin/hubgw --version
else
  podman run --rm --network none "$image" /usr/local/bin/hubgw --version
fi
rm -r "$tmp"
echo "$image"
