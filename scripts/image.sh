#!/usr/bin/env bash
# Builds the Argo CD sidecar image (Containerfile) from a hubgw binary,
# offline, and checks it against the sidecar patch (docs/guide.md, "Argo CD"):
# the image holds exactly the binary at /usr/local/bin/hubgw (on the image's
# PATH, as plugin.yaml names `hubgw`) and argocd/plugin.yaml at
# /home/argocd/cmp-server/config/plugin.yaml, runs as 999:999, and the
# plugin's generate command renders in it with nothing else (static binary).
#
#   scripts/image.sh IMAGE [BINARY]   # BINARY: default, scripts/dist.sh's
#   scripts/image.sh localhost/hubgw-cmp:check "$(PROFILE=dev scripts/dist.sh | sed -n 1p)"
#
# The second form is what .ci/run does: the quick static build, same image.
set -euo pipefail
cd "$(dirname "$0")/.."

image=${1:?usage: scripts/image.sh IMAGE [BINARY]}
bin=${2:-$(scripts/dist.sh | sed -n 1p)}
ctr=
tmp=$(mktemp -d)
trap '[[ -z $ctr ]] || podman rm -f "$ctr" >/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "image.sh: $image: $*" >&2; exit 1; }

mkdir -p dist
cp "$bin" dist/hubgw
# --pull=never and no network: the build must need nothing but the context.
podman build -q --pull=never --network=none -t "$image" -f Containerfile . >/dev/null

# No entrypoint (the patch names the command), so create names one.
ctr=$(podman create "$image" /usr/local/bin/hubgw)
mkdir "$tmp/root"
podman export "$ctr" | tar -x -C "$tmp/root"
# Type, owner and path (modes follow the checkout's umask; running it below
# proves 999 can read and execute what it needs).
files=$(cd "$tmp/root" && find . -mindepth 1 -printf '%y %U:%G %p\n' | sort -k3)
want='d 999:999 ./home
d 999:999 ./home/argocd
d 999:999 ./home/argocd/cmp-server
d 999:999 ./home/argocd/cmp-server/config
f 999:999 ./home/argocd/cmp-server/config/plugin.yaml
d 0:0 ./usr
d 0:0 ./usr/local
d 0:0 ./usr/local/bin
f 0:0 ./usr/local/bin/hubgw'
[[ $files == "$want" ]] || fail "files are not the binary and plugin.yaml:"$'\n'"$files"
cmp "$tmp/root/usr/local/bin/hubgw" dist/hubgw || fail "/usr/local/bin/hubgw is not $bin"
cmp "$tmp/root/home/argocd/cmp-server/config/plugin.yaml" argocd/plugin.yaml ||
  fail "plugin.yaml is not argocd/plugin.yaml"
user=$(podman image inspect -f '{{.Config.User}}' "$image")
[[ $user == 999:999 ]] || fail "user is '$user', Argo CD wants 999:999"
path=$(podman image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$image" | sed -n 's/^PATH=//p')
[[ :$path: == *:/usr/local/bin:* ]] || fail "PATH '$path' lacks /usr/local/bin"

# The plugin's generate runs with nothing else in the image (static: no
# libc), as 999, with only the image's environment and Argo CD's variables,
# and prints what it prints outside. As root, in a chroot of the image's
# files: that also works where a sandbox lets podman build but not start
# containers. (chroot starts it in /, so the app is put there.)
if [[ $(id -u) != 0 ]]; then
  # Without root, no chroot: start it (where podman may), version only.
  podman run --rm --network=none "$image" hubgw --version >/dev/null
  echo "$image"
  exit
fi
cp values/examples/east-west.yaml "$tmp/root/hubgw.yaml"
cp values/examples/east-west.yaml "$tmp/hubgw.yaml"
argocd_env=(ARGOCD_APP_NAME=hub-gateway ARGOCD_APP_NAMESPACE=istio-system)
(cd "$tmp" && env -i "${argocd_env[@]}" "$tmp/root/usr/local/bin/hubgw" argocd generate) >"$tmp/want.yaml" ||
  fail "$bin argocd generate failed outside the image"
env -i PATH="$path" HOME=/home/argocd "${argocd_env[@]}" \
  chroot --userspec=999:999 "$tmp/root" hubgw argocd generate >"$tmp/got.yaml" ||
  fail "hubgw argocd generate failed in the image (as 999, nothing but the image's files)"
[[ -s $tmp/got.yaml ]] || fail "hubgw argocd generate printed nothing"
cmp -s "$tmp/got.yaml" "$tmp/want.yaml" || fail "hubgw argocd generate prints otherwise in the image"
echo "$image"
