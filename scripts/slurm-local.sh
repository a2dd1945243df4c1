#!/usr/bin/env bash
# A real single-node Slurm on this machine, for the sweep checks (docs/sweeps.md): munge, slurmctld and slurmd from
# Debian's slurm-wlm, configured in a temporary folder. Needs root (it writes /etc/munge and /etc/slurm).
#   scripts/slurm-local.sh start    # prints nothing on success; sinfo shows the node idle
#   scripts/slurm-local.sh stop
set -euo pipefail
state=${SLURM_LOCAL_DIR:-/tmp/acdd-slurm}
host=$(hostname)

start() {
    for tool in munged slurmctld slurmd sbatch; do
        command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "slurm-local: $tool is missing (apt-get install slurm-wlm munge)" >&2; exit 1; }
    done
    mkdir -p "$state"/{spool,state,log} /etc/slurm /run/munge /var/log/munge /var/lib/munge
    if [ ! -s /etc/munge/munge.key ]; then
        mkdir -p /etc/munge
        dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge
    chmod 400 /etc/munge/munge.key
    pgrep -x munged >/dev/null || su -s /bin/sh munge -c /usr/sbin/munged
    cat > /etc/slurm/slurm.conf <<CONF
ClusterName=local
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
ReturnToService=2
StateSaveLocation=$state/state
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd.log
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    pgrep -x slurmctld >/dev/null || /usr/sbin/slurmctld
    pgrep -x slurmd >/dev/null || /usr/sbin/slurmd
    for _ in $(seq 60); do
        if sinfo -h -o %t 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then exit 0; fi
        sleep 1
    done
    echo "slurm-local: the node did not come up; logs in $state/log" >&2
    sinfo >&2 || true
    exit 1
}

stop() {
    for daemon in slurmd slurmctld; do pkill -x "$daemon" 2>/dev/null || true; done
}

case "${1:-}" in
start) start ;;
stop) stop ;;
*) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
