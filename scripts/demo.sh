#!/usr/bin/env bash
# make demo: the four-host, two-site lab end to end.
#   1. lab up (reused when its namespace already runs)
#   2. racksmith up --stack lab inside the lab's namespace (installs every host)
#   3. racksmith lab verify: arrays, LUKS headers, key and role files checked
#      from outside the VMs on their disk files
#   4. racksmith preview + up again: asserts that nothing changes
# Prints the wall time of every phase. Run from the repository root after
# make setup build images (make demo does that first). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/bin:$PATH" PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true

NS=${RACKSMITH_LAB_NAMESPACE:-racksmith-lab}
STACK=lab
RS=bin/racksmith

for f in bin/racksmith bin/pulumi bin/pulumi-resource-racksmith images/.build/vmlinuz images/.build/initrd.img; do
	[[ -e $f ]] || { echo "demo: $f is missing: run make setup build images (or make demo)" >&2; exit 1; }
done
[[ $(id -u) == 0 ]] || { echo "demo: the lab needs root (network namespaces, taps)" >&2; exit 1; }

declare -a PHASES=()
phase_start() { PHASE=$1; T0=$(date +%s.%N); printf '\n=== %s\n' "$PHASE"; }
phase_end() {
	local t; t=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
	PHASES+=("$(printf '%-34s %7ss' "$PHASE" "$t")")
	printf -- '--- %s: %ss\n' "$PHASE" "$t"
}
TOTAL0=$(date +%s.%N)

phase_start "lab up"
if ip netns list | grep -qw "^$NS"; then
	echo "lab namespace $NS already runs: reusing it"
	$RS lab status --namespace "$NS"
else
	$RS lab up --namespace "$NS"
	$RS lab status --namespace "$NS"
fi
phase_end

inlab() { $RS lab exec --namespace "$NS" -- "$@"; }
SECRET=(--secret-env racksmith:bmcPassword=LAB_BMC_PASSWORD)

phase_start "racksmith up --stack $STACK"
# settings left by a run whose state and passphrase are gone carry an
# encryption salt no passphrase here opens: with no state they hold nothing
state=stacks/$STACK/.pulumi
if [[ ! -e $state/.pulumi/stacks/racksmith/$STACK.json && -e $state/workspace/Pulumi.$STACK.yaml ]]; then
	echo "no state for stack $STACK: removing the stale $state/workspace/Pulumi.$STACK.yaml"
	rm -f "$state/workspace/Pulumi.$STACK.yaml"
fi
inlab $RS up --stack "$STACK" --yes "${SECRET[@]}"
phase_end

phase_start "racksmith lab verify"
$RS lab verify --stack "$STACK" --namespace "$NS"
phase_end

phase_start "no-op check (preview, up)"
out=$(inlab $RS preview --stack "$STACK" "${SECRET[@]}" 2>&1) || { echo "$out"; exit 1; }
summary=$(grep '^preview:' <<<"$out" || true)
echo "$summary"
if ! grep -q '(changes: false)' <<<"$summary"; then
	echo "$out" >&2
	echo "demo: FAIL: a second up would change something: $summary" >&2
	exit 1
fi
out=$(inlab $RS up --stack "$STACK" --yes "${SECRET[@]}" 2>&1) || { echo "$out"; exit 1; }
grep -E 'Resources:|unchanged|Duration' <<<"$out" || true
if grep -Eq '^[[:space:]]+[~+-] [0-9]+ to (update|create|delete|replace)|^[[:space:]]+[0-9]+ (updated|created|deleted|replaced)' <<<"$out"; then
	echo "$out" >&2
	echo "demo: FAIL: the second racksmith up changed resources" >&2
	exit 1
fi
echo "second up: no changes"
phase_end

printf '\n=== wall time per phase\n'
printf '%s\n' "${PHASES[@]}"
awk -v a="$TOTAL0" -v b="$(date +%s.%N)" 'BEGIN{printf "%-34s %7.1fs\n", "total", b-a}'

cat <<EOT

The lab keeps running. To tear it down:
  bin/racksmith lab exec -- bin/racksmith destroy --stack $STACK --yes --secret-env racksmith:bmcPassword=LAB_BMC_PASSWORD
  bin/racksmith lab down            # --purge also deletes the disk images and the lab's password
EOT
