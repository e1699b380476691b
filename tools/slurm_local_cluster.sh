#!/usr/bin/env bash
# Usage: tools/slurm_local_cluster.sh up|down|status
#
# A real one-machine Slurm cluster for development and CI (tests/test_slurm.py
# runs tools/slurm_train.sh and tools/slurm_test.sh on it; .ci/run brings it
# up and down around them). Needs root; no systemd, no network beyond
# loopback, no cgroups.
#
#   up      installs Debian's slurm-wlm and munge where they are missing
#           (apt-get, quiet; the packages' own service starts are held back),
#           creates the munge key where it is missing, writes slurm.conf for
#           this machine (its hostname on 127.0.0.1, nproc CPUs, the memory of
#           /proc/meminfo) with one partition, `debug` (the default, all
#           CPUs; select/cons_tres with CR_CPU, so a 2-CPU machine runs two
#           1-CPU tasks; proctrack/linuxproc and task/none, which need no
#           cgroups), starts munged, slurmctld and slurmd as daemons, and
#           waits (GLMC_SLURM_WAIT seconds, 60 by default) until sinfo shows
#           the node up (idle, or running jobs). If it is not, it prints the
#           daemons' log tails and fails (the daemons are left for
#           inspection: run `down`). Nothing is done twice: run on a running
#           cluster, it only waits.
#   down    cancels the cluster's jobs, stops the daemons that `up` started
#           (by the ids in their pid files) and removes the state folder and
#           slurm.conf. The packages and the munge key stay.
#   status  prints which of the daemons `up` starts run, and sinfo; exits 0
#           when the node is up.
#
# slurm.conf is written where Slurm's commands look by default,
# /etc/slurm/slurm.conf, so srun, sinfo and the tools need no SLURM_CONF;
# `up` refuses to replace a slurm.conf it did not write. Logs, pid files,
# the controller's state and slurmd's spool are in GLMC_SLURM_DIR
# (/var/tmp/glmc-slurm by default).
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"

DIR=${GLMC_SLURM_DIR:-/var/tmp/glmc-slurm}
WAIT_S=${GLMC_SLURM_WAIT:-60}
CONF=/etc/slurm/slurm.conf
MARK='# Written by tools/slurm_local_cluster.sh of glmc_mm'
NODE=$(hostname -s)

die() {
    echo "slurm_local_cluster: $*" >&2
    exit 1
}

# Whether slurm.conf is one this script wrote.
conf_is_ours() {
    head -n 1 "$CONF" 2>/dev/null | grep -qF "$MARK"
}

# The id in pid file $1 if that process is alive.
alive() {
    local pid
    pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null &&
        echo "$pid"
}

install_packages() {
    local cmd missing=()
    for cmd in munged mungekey slurmctld slurmd sinfo srun scontrol; do
        command -v "$cmd" >/dev/null || missing+=("$cmd")
    done
    [ ${#missing[@]} = 0 ] && return 0
    echo "installing slurm-wlm and munge (missing: ${missing[*]})"
    # Their postinst scripts start the services, which would fail without
    # a slurm.conf (and fail the installation): policy-rc.d holds them back.
    local policy=/usr/sbin/policy-rc.d log="$DIR/apt.log" held=0 rc=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod 755 "$policy"
        held=1
    fi
    {
        apt-cache show slurm-wlm munge >/dev/null 2>&1 || apt-get update -qq
    } > "$log" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            --no-install-recommends slurm-wlm munge >> "$log" 2>&1 || rc=$?
    [ "$held" = 1 ] && rm -f "$policy"
    if [ "$rc" != 0 ]; then
        tail -n 20 "$log" >&2
        die "apt-get failed (log: $log)"
    fi
}

start_munge() {
    if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
        echo "munged: already running"
        return 0
    fi
    if [ ! -s /etc/munge/munge.key ]; then
        runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key
    fi
    install -d -o munge -g munge -m 0755 /run/munge
    runuser -u munge -- munged ||
        die "munged did not start (log: /var/log/munge/munged.log)"
    # its own pid file, in its own folder; the copy marks it as ours
    cp /run/munge/munged.pid "$DIR/munged.pid"
}

write_conf() {
    local memory_mb
    memory_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
    mkdir -p "$(dirname "$CONF")" "$DIR/state" "$DIR/spool"
    cat > "$CONF" <<EOF
$MARK: a one-machine cluster, removed by its 'down'.
ClusterName=glmc-local
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
# No cgroups in a container: processes tracked through /proc, tasks unbound.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
# The node is what is written here, whatever slurmd counts.
SlurmdParameters=config_overrides
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory_mb State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
}

# Start daemon $1 (slurmctld or slurmd) unless it runs already.
start_daemon() {
    if [ -n "$(alive "$DIR/$1.pid")" ]; then
        echo "$1: already running"
        return 0
    fi
    "$1" || die "$1 did not start (log: $DIR/$1.log)"
}

# The node's state, e.g. idle, allocated, down* (not responding), or
# nothing where the controller does not answer.
node_state() {
    sinfo --noheader --partition=debug --format=%T 2>/dev/null | head -n 1
}

node_is_up() {
    [[ "$1" =~ ^(idle|mixed|allocated|completing)$ ]]
}

show_logs() {
    local log
    for log in "$DIR/slurmctld.log" "$DIR/slurmd.log" \
        /var/log/munge/munged.log; do
        echo "--- last lines of $log" >&2
        tail -n 15 "$log" >&2 2>/dev/null || true
    done
}

up() {
    if [ -e "$CONF" ] && ! conf_is_ours; then
        die "$CONF exists and was not written by this script; not replaced"
    fi
    mkdir -p "$DIR"
    install_packages
    start_munge
    write_conf
    start_daemon slurmctld
    start_daemon slurmd
    local state=
    for ((i = 0; i < WAIT_S; i++)); do
        state=$(node_state)
        node_is_up "$state" && break
        sleep 1
    done
    if ! node_is_up "$state"; then
        show_logs
        die "the node is not up after ${WAIT_S} s (sinfo: ${state:-no" \
            "answer}); the daemons are left running: see the logs above," \
            "then run '$0 down'"
    fi
    sinfo
    echo "slurm_local_cluster: up in ${SECONDS} s (partition debug," \
        "node $NODE, $(nproc) CPUs)"
}

down() {
    local jobs=() name pid
    if [ -n "$(alive "$DIR/slurmctld.pid")" ]; then
        mapfile -t jobs < <(squeue --noheader --format=%i 2>/dev/null)
        [ ${#jobs[@]} = 0 ] || scancel "${jobs[@]}" || true
    fi
    for name in slurmd slurmctld munged; do
        pid=$(alive "$DIR/$name.pid") || continue
        kill "$pid"
        for ((i = 0; i < 50; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "$name ($pid) ignored SIGTERM for 10 s: SIGKILL" >&2
            kill -9 "$pid"
        fi
        echo "stopped $name ($pid)"
    done
    if conf_is_ours; then
        rm -f "$CONF"
    fi
    rm -rf "$DIR"
    echo "slurm_local_cluster: down"
}

status() {
    local name pid
    for name in munged slurmctld slurmd; do
        pid=$(alive "$DIR/$name.pid") && echo "$name: running ($pid)" ||
            echo "$name: not running"
    done
    if command -v sinfo >/dev/null; then
        sinfo 2>&1 || true
    fi
    node_is_up "$(node_state)"
}

[ "$(id -u)" = 0 ] || die "needs root (it installs packages and starts daemons)"
case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    *) die "usage: $0 up|down|status" ;;
esac
