#!/usr/bin/env bash
# Start a one-node Slurm cluster (munged + slurmctld + slurmd) whose files all live in $1; stop it with stop_cluster.sh $1.
# Needs root and Debian's slurmctld, slurmd, slurm-client and munge packages (.ci/run installs them).
set -euo pipefail
D=$(realpath "$1"); mkdir -p "$D"/{state,spool,log}
H=$(hostname -s)
dd if=/dev/urandom of="$D/munge.key" bs=1 count=128 2>/dev/null; chmod 400 "$D/munge.key"
munged --key-file="$D/munge.key" --socket="$D/munge.socket" --pid-file="$D/munged.pid" --log-file="$D/log/munged.log" --seed-file="$D/munge.seed" -f
cat > "$D/slurm.conf" <<CONF
ClusterName=imp-easy-test
SlurmctldHost=$H
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$D/munge.socket
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
SlurmctldPort=${SLURMCTLD_PORT:-16817}
SlurmdPort=${SLURMD_PORT:-16818}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
NodeName=$H CPUs=$(nproc) RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=$H Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
export SLURM_CONF="$D/slurm.conf"
slurmctld -f "$D/slurm.conf"
slurmd -f "$D/slurm.conf"
for i in $(seq 30); do sinfo -h -o %T 2>/dev/null | grep -q idle && exit 0; sleep 1; done
echo "slurm did not come up"; tail -20 "$D/log/slurmctld.log" "$D/log/slurmd.log"; exit 1
