#!/usr/bin/env bash
# Writes the captured Slurm outputs test_slurm_parse reads: squeue and scontrol on job arrays
# in every state we report (pending behind the array throttle, running, completed, failed,
# cancelled, killed at the time limit, killed for memory), and sbatch --parsable. Run against
# the one-node cluster of packaging/slurm/cluster.sh (Slurm 22.05, Debian 12):
#   bash packaging/slurm/cluster.sh start /tmp/imbw-capture
#   source /tmp/imbw-capture/env.sh
#   bash tests/core/cluster/captures/capture.sh tests/core/cluster/captures
set -euo pipefail
out=$(cd "$1" && pwd)
work=$(mktemp -d)
cd "$work"

# 1. Four tasks, two at a time: task 3 fails (exit 3); captured while 0,1 run and 2,3 wait.
jid=$(sbatch --parsable --array=0-3%2 -o "$work/%A_%a.log" \
  --wrap 'sleep 3; if [ "$SLURM_ARRAY_TASK_ID" = 3 ]; then echo boom >&2; exit 3; fi')
echo "$jid" > "$out/sbatch_parsable.txt"
sleep 1
squeue -h -j "$jid" > "$out/squeue_running.txt"
scontrol -o show job "$jid" > "$out/scontrol_running.txt"
while squeue -h -j "$jid" | grep -q .; do sleep 1; done
squeue -h -j "$jid" > "$out/squeue_finished.txt"
scontrol -o show job "$jid" > "$out/scontrol_finished.txt"

# 2. Cancelled mid-way: three tasks of 20 s, one at a time; scancel after the first started.
jid=$(sbatch --parsable --array=0-2%1 -o "$work/%A_%a.log" --wrap 'sleep 20')
sleep 2
scancel "$jid"
sleep 2
scontrol -o show job "$jid" > "$out/scontrol_cancelled.txt"

# 3. Killed at the time limit (1 minute; slurmctld checks limits every 30 s or so).
jid=$(sbatch --parsable --array=0 --time=1 -o "$work/%A_%a.log" --wrap 'sleep 600')
while squeue -h -j "$jid" | grep -q .; do sleep 5; done
scontrol -o show job "$jid" > "$out/scontrol_timeout.txt"
cp "$work/${jid}_0.log" "$out/timeout_task.log"

# 5. Killed for memory: 400 MB in a --mem=64M task (jobacct_gather/linux with OverMemoryKill
#    samples it every second; slurmstepd kills it and says so in the log).
jid=$(sbatch --parsable --array=0 --mem=64M -o "$work/%A_%a.log" \
  --wrap 'python3 -c "b = bytearray(400 * 1024 * 1024); import time; time.sleep(10)"')
while squeue -h -j "$jid" | grep -q .; do sleep 1; done
scontrol -o show job "$jid" > "$out/scontrol_oom.txt"
cp "$work/${jid}_0.log" "$out/oom_task.log"

# 4. An unknown job (gone from slurmctld after MinJobAge, or never there).
scontrol -o show job 999999 > "$out/scontrol_unknown.txt" 2>&1 || true
rm -rf "$work"
