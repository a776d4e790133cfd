#!/bin/bash
# A one-node Slurm cluster in folder DIR, for the test of `shequ slurm` (tests/integration/
# slurm.rs): `cluster.sh start DIR` starts munged (as user munge), slurmctld and slurmd (as
# root) with their own key, socket, ports, state and logs inside DIR, and waits until the
# node is idle; `cluster.sh stop DIR` stops them by their pid files. Needs root and the
# Debian packages slurm-wlm and munge (.ci/run installs them). Prints the daemons' logs and
# exits non-zero if the cluster does not come up. DIR and its parents must be searchable by
# user munge.
set -euo pipefail
cmd=${1:?start or stop}
T=${2:?folder}
mkdir -p "$T"
T=$(cd "$T" && pwd)
case "$cmd" in
start)
  for tool in munged slurmctld slurmd sbatch sinfo; do
    command -v "$tool" >/dev/null || { echo "cluster.sh: $tool not found (apt-get install slurm-wlm munge)" >&2; exit 1; }
  done
  chmod 755 "$T"
  mkdir -p "$T/state" "$T/spool" "$T/log" "$T/munge"
  chown munge:munge "$T/munge"
  chmod 711 "$T/munge"
  head -c 1024 /dev/urandom > "$T/munge/munge.key"
  chown munge:munge "$T/munge/munge.key"
  chmod 400 "$T/munge/munge.key"
  socket="$T/munge/munge.socket"
  su -s /bin/sh munge -c "munged --key-file='$T/munge/munge.key' --socket='$socket' \
    --pid-file='$T/munge/munged.pid' --log-file='$T/munge/munged.log' --seed-file='$T/munge/munged.seed'"
  host=$(hostname -s)
  port=$(( 20000 + (RANDOM % 20000) ))
  cat > "$T/slurm.conf" <<CONF
ClusterName=shequtest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$(( port + 1 ))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MaxArraySize=1001
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF="$T/slurm.conf"
  slurmctld -f "$SLURM_CONF"
  slurmd -f "$SLURM_CONF"
  for _ in $(seq 1 60); do
    state=$(sinfo -h -o %t 2>/dev/null || true)
    if [ "$state" = "idle" ]; then
      echo "cluster.sh: node $host idle (SLURM_CONF=$SLURM_CONF)"
      exit 0
    fi
    sleep 0.5
  done
  echo "cluster.sh: the node did not become idle (state: ${state:-none})" >&2
  tail -n 20 "$T/munge/munged.log" "$T/log/slurmctld.log" "$T/log/slurmd.log" >&2 || true
  exit 1
  ;;
stop)
  for pid in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munge/munged.pid"; do
    if [ -f "$pid" ]; then
      kill "$(cat "$pid")" 2>/dev/null || true
    fi
  done
  ;;
*)
  echo "usage: cluster.sh start|stop DIR" >&2
  exit 2
  ;;
esac
