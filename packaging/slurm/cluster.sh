#!/usr/bin/env bash
# A one-node Slurm cluster on this machine, without systemd, for the tests labelled `slurm` and
# for trying `imbalance-cli submit` by hand. Everything (munge key, socket and state, slurm.conf,
# spool, state, logs, pid files) lives under one scratch folder.
#
#   bash packaging/slurm/cluster.sh start  SCRATCH   start munged, slurmctld, slurmd; wait until
#                                                    the node is idle; writes SCRATCH/env.sh
#   bash packaging/slurm/cluster.sh status SCRATCH   scontrol ping + sinfo
#   bash packaging/slurm/cluster.sh stop   SCRATCH   stop the three daemons started by `start`
#
# Then `source SCRATCH/env.sh` (it sets SLURM_CONF) and use sbatch, squeue, scontrol, scancel.
# Needs the Debian packages slurm-wlm slurmctld slurmd munge (packaging/install-deps.sh) and root
# (SlurmUser=root). Ports: IMBW_SLURM_PORT (slurmctld, default 6817) and that + 1 (slurmd).
# One partition "debug" with one node "localhost" of nproc CPUs (IMBW_SLURM_CPUS) and half the
# machine's memory (a task over its --mem is killed; see JobAcctGatherParams); no accounting (poll `squeue -h -j JID` and `scontrol -o show job JID`; there is no sacct).
set -euo pipefail

usage() { echo "usage: $0 start|stop|status SCRATCH" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
mkdir -p "$2"
scratch=$(cd "$2" && pwd)
conf=$scratch/slurm.conf
port=${IMBW_SLURM_PORT:-6817}
cpus=${IMBW_SLURM_CPUS:-$(nproc)}

for tool in munged slurmctld slurmd scontrol sinfo; do
  if ! command -v "$tool" >/dev/null; then
    echo "cluster.sh: '$tool' is not installed (apt-get install --no-install-recommends" \
         "slurm-wlm slurmctld slurmd munge; see packaging/install-deps.sh)" >&2
    exit 1
  fi
done

running() {  # running NAME: the daemon started by us is alive
  local pidfile=$scratch/$1.pid
  [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

stop_one() {
  local name=$1 pidfile=$scratch/$1.pid
  if running "$name"; then
    local pid
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

case $action in
  start)
    if running slurmctld || running slurmd || running munged; then
      echo "cluster.sh: a cluster is already running in $scratch (stop it first)" >&2
      exit 1
    fi
    for p in "$port" "$((port + 1))"; do
      if command -v ss >/dev/null && ss -ltnH "sport = :$p" 2>/dev/null | grep -q .; then
        echo "cluster.sh: port $p is in use (another cluster? choose others with" \
             "IMBW_SLURM_PORT=N, which uses N and N+1)" >&2
        exit 1
      fi
    done
    mkdir -p "$scratch/munge" "$scratch/state" "$scratch/spool" "$scratch/log" "$scratch/jobs"
    # munged refuses a socket folder that others may write to: every folder above the socket
    # must be 755 (or sticky, as /tmp). The scratch folders are made so; folders above them are
    # only checked (never changed), and named when they would make munged refuse.
    chmod 755 "$scratch" "$scratch/munge"
    d=$(dirname "$scratch")
    while [[ $d != / ]]; do
      mode=$(stat -c %a "$d")
      if [[ ${#mode} -eq 3 && ( ${mode:1:1} =~ [2367] || ${mode:2:1} =~ [2367] ) ]]; then
        echo "cluster.sh: '$d' (mode $mode) is writable by others; munged would refuse a socket" \
             "below it: choose a SCRATCH elsewhere" >&2
        exit 1
      fi
      d=$(dirname "$d")
    done
    if [[ ! -f $scratch/munge/munge.key ]]; then
      dd if=/dev/urandom of="$scratch/munge/munge.key" bs=1024 count=1 status=none
      chmod 400 "$scratch/munge/munge.key"
    fi
    memory=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
    cat > "$conf" <<CONF
# Written by packaging/slurm/cluster.sh: a one-node cluster under $scratch.
ClusterName=imbw
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$scratch/munge/munge.socket.2
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# Memory limits without cgroups: jobacct_gather/linux reads each task's memory from /proc every
# second and OverMemoryKill kills a step over its --mem (slurmstepd writes "StepId=J.batch
# exceeded memory limit (USED > LIMIT), being killed" to the task's log). The limit reaches the
# step only when memory is a consumable resource (CR_Core_Memory); with CR_Core a 400 MB task in
# a --mem=64M job ran to the end. DefMemPerCPU shares the node's memory among tasks that give no
# --mem, so two such tasks still run at once.
JobAcctGatherType=jobacct_gather/linux
JobAcctGatherFrequency=1
JobAcctGatherParams=OverMemoryKill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=$((memory / cpus))
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
MailProg=/bin/true
ReturnToService=2
StateSaveLocation=$scratch/state
SlurmdSpoolDir=$scratch/spool
SlurmctldPidFile=$scratch/slurmctld.daemon.pid
SlurmdPidFile=$scratch/slurmd.daemon.pid
SlurmctldLogFile=$scratch/log/slurmctld.log
SlurmdLogFile=$scratch/log/slurmd.log
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
NodeName=localhost CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    munged -F --force --socket="$scratch/munge/munge.socket.2" \
      --key-file="$scratch/munge/munge.key" --pid-file="$scratch/munge/munged.pid" \
      --log-file="$scratch/log/munged.log" --seed-file="$scratch/munge/munged.seed" \
      >>"$scratch/log/munged.out" 2>&1 &
    echo $! > "$scratch/munged.pid"
    for _ in $(seq 50); do [[ -S $scratch/munge/munge.socket.2 ]] && break; sleep 0.1; done
    if [[ ! -S $scratch/munge/munge.socket.2 ]]; then
      echo "cluster.sh: munged did not start; see $scratch/log/munged.log:" >&2
      tail -n 5 "$scratch/log/munged.log" "$scratch/log/munged.out" >&2 || true
      stop_one munged
      exit 1
    fi
    export SLURM_CONF=$conf
    slurmctld -D -i -f "$conf" >>"$scratch/log/slurmctld.out" 2>&1 &
    echo $! > "$scratch/slurmctld.pid"
    slurmd -D -N localhost -f "$conf" >>"$scratch/log/slurmd.out" 2>&1 &
    echo $! > "$scratch/slurmd.pid"
    printf 'export SLURM_CONF=%q\n' "$conf" > "$scratch/env.sh"
    for _ in $(seq 300); do
      state=$(sinfo -h -N -o %T 2>/dev/null | head -n1 || true)
      if [[ $state == idle* || $state == mixed* || $state == allocated* ]]; then
        echo "cluster.sh: one-node Slurm cluster up in $scratch (SLURM_CONF=$conf)"
        exit 0
      fi
      if ! running slurmctld || ! running slurmd; then break; fi
      sleep 0.1
    done
    echo "cluster.sh: the cluster did not come up (node state '${state:-none}'); logs:" >&2
    tail -n 8 "$scratch/log/slurmctld.log" "$scratch/log/slurmd.log" "$scratch/log/slurmctld.out" \
      "$scratch/log/slurmd.out" >&2 2>/dev/null || true
    stop_one slurmd
    stop_one slurmctld
    stop_one munged
    exit 1
    ;;
  stop)
    stop_one slurmd
    stop_one slurmctld
    stop_one munged
    echo "cluster.sh: stopped the cluster in $scratch"
    ;;
  status)
    export SLURM_CONF=$conf
    for name in munged slurmctld slurmd; do
      if running "$name"; then echo "$name: running (pid $(cat "$scratch/$name.pid"))"
      else echo "$name: not running"; fi
    done
    scontrol ping 2>&1 || true
    sinfo 2>&1 || true
    ;;
  *) usage ;;
esac
