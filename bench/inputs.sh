# Generated inputs of bench/compare.sh.

spokes() { # n
  printf 'clusterDomain: apps.hub.example.com\nclusters:\n  east: null\n  west: null\n'
  for ((i = 0; i < $1; i++)); do printf '  s%d:\n    domain: apps.s%d.example.com\n' "$i" "$i"; done
}
apps() { # n applications of 4 spokes (SPEC section 2)
  printf 'clusterDomain: apps.hub.example.com\napps:\n'
  for ((a = 0; a < $1; a++)); do
    printf '  app%d:\n    host: app%d.apps.hub.example.com\n    clusters:\n' "$a" "$a"
    for s in 0 1 2 3; do printf '      s%d:\n        domain: apps.s%d.example.com\n' "$s" "$s"; done
  done
}
