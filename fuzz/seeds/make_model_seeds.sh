#!/usr/bin/env bash
# Writes fuzz/seeds/model/: one small saved model per model file kind (HDF5 one-variable,
# logistic and network; XGBoost UBJ; forest UBJSON; EasyEnsemble JSON), trained by the built
# imbalance-cli on the bundled WW sample (fold 1 of 2 of each run).
#   bash fuzz/seeds/make_model_seeds.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="${1:-$here/../../build}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$build/app/cli/imbalance-cli" run "$here/models.analysis.json" --folds 2 --quiet \
  --save-models "$tmp" >/dev/null
rm -rf "$here/model"
mkdir -p "$here/model"
for f in "$tmp"/*_fold1.*; do
  [[ "$f" == *.meta.json ]] && continue
  cp "$f" "$here/model/$(basename "$f")"
done
ls -l "$here/model"
