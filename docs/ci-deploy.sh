#!/usr/bin/env bash
# Synthesize, plan, review and apply: the deploy job of a CI pipeline for a cdktf app that
# uses cdktf_aws_ecr (docs/plan-review.md). Copy it into your repository and adjust the
# variables below. Nothing is applied unless the review passes, and what is applied is
# exactly the plan that was reviewed.
#
#   docs/ci-deploy.sh              # every stack of the app
#   docs/ci-deploy.sh dev prod     # these stacks
#
# Variables (all optional):
#   SYNTH          how to synthesize the app (default: npx cdktf synth); ":" when a previous
#                  step already synthesized it
#   CDKTF_OUT      the synthesized app (default: cdktf.out)
#   PYTHON         the Python that has cdktf-aws-ecr[preview] installed (default: python3)
#   REVIEW_ARGS    extra arguments of the review, e.g. "--allow-destroy sandbox/* --strict"
#
# Stacks are planned together and reviewed together (the review then knows every repository
# the app declares). For an app whose stacks read each other's outputs, run this once per
# stack, in dependency order.
set -euo pipefail

SYNTH="${SYNTH:-npx cdktf synth}"
OUT="${CDKTF_OUT:-cdktf.out}"
PYTHON="${PYTHON:-python3}"
read -r -a review_args <<< "${REVIEW_ARGS:-}"

echo "==> synth: $SYNTH"
$SYNTH

stacks=("$@")
if [ "${#stacks[@]}" -eq 0 ]; then
  mapfile -t stacks < <("$PYTHON" -c \
    'import json, sys; print("\n".join(json.load(open(sys.argv[1]))["stacks"]))' "$OUT/manifest.json")
fi

plans=()
for stack in "${stacks[@]}"; do
  dir="$OUT/stacks/$stack"
  echo "==> plan: $stack"
  terraform -chdir="$dir" init -input=false -no-color > /dev/null
  terraform -chdir="$dir" plan -input=false -no-color -out=tfplan > /dev/null
  terraform -chdir="$dir" show -json tfplan > "$dir/plan.json"
  plans+=(--plan "$dir/plan.json")
done

echo "==> review"
# Exit 1: refused, 2: could not review. Either way nothing below runs.
"$PYTHON" -m cdktf_aws_ecr.review --live "${plans[@]}" "${review_args[@]}"

for stack in "${stacks[@]}"; do
  echo "==> apply: $stack"
  terraform -chdir="$OUT/stacks/$stack" apply -input=false -no-color tfplan
done
