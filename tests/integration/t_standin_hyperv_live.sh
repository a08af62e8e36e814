#!/usr/bin/env bash
# hyperv-stuck-vm live, through the WMI stand-in (tests/standins/
# wbemprox.c) and fake vmwp.exe workers, one scenario for each hand-written
# fixture it mirrors (tests/fixtures/hyperv-stuck-vm/):
#   stuck_starting   5 running VMs, SQL01 in Starting (10) for 40 minutes
#                    with a small worker              (stuck_starting.json)
#   worker_orphan    3 running VMs and a worker whose VM Hyper-V does not
#                    list                              (worker_orphan.json)
#   duplicate_names  two VMs named web01, one Stopping (4) for 55 minutes
#                                                    (duplicate_names.json)
#   v1_2008r2        root\virtualization only, EXCH-MBX in Starting (32770)
#                    for 40 minutes with HealthState 25, FILE01 Stopping
#                    for 3, TEST01 paused
#   busy_merging     SQL01 in Starting for 40 minutes with a small worker,
#                    but OperationalStatus 2,32772 (merging disks): busy,
#                    not hung                             (busy_merging.json)
#   paused_low_space SQL01 Paused (9) with HealthState 25, OperationalStatus
#                    5, its two disks on D:, a Wine drive on a 256 MB tmpfs
#                    the test mounts (skipped where mount is not allowed)
#                                                     (paused_low_space.json)
#   start_events     DC02 in Starting for 30 minutes and DC03 for 4, with
#                    their failure events (12030, 3050) in the worker and
#                    VMMS logs, read through the event-log stand-in
#                    (tests/standins/wevtapi.c)            (start_events.json)
#                                                         (v1_2008r2.json)
# For each: the findings (code, VM, worker) of `check` on the live system
# equal those of `check --from` on the snapshot `collect` wrote in the same
# run, and the finding codes equal the fixture's.
# Env: SRVDOCTOR_EXE (x64 srvdoctor.exe; the stand-ins are looked for in
#      its build folder's tests/standins, or SD_STANDIN_DIR).
#      Exit 0 pass, 77 skip, 1 fail.
# Its own prefix: sd_wine_prefix_clone of the runner's template when there
# is one (lib/standins.sh si_setup), else a new one.
set -u
. "$(dirname "$0")/lib/common.sh"
. "$SD_INTEG_DIR/lib/wine.sh"
. "$SD_INTEG_DIR/lib/standins.sh"
si_setup

V2='root\virtualization\v2'
V1='root\virtualization'
FIX=$SD_SRC/tests/fixtures/hyperv-stuck-vm
SAMPLING=(--samples 3 --interval 300)
WORKERS=()

# worker GUID MB: start one and remember it (to end it after the scenario).
worker() {
    si_worker "$1" "$2"
    WORKERS+=("$SI_PID")
}
# End this scenario's workers and wait until no vmwp.exe is left: one
# still exiting would be an orphan in the next scenario.
end_workers() {
    local p n
    for p in "${WORKERS[@]}"; do
        _sd_wine_run taskkill /F /PID "$p" </dev/null >/dev/null 2>&1
    done
    WORKERS=()
    for _ in $(seq 1 40); do
        n=$(_sd_wine_run "$SI_FLOOR" workers </dev/null 2>/dev/null | grep -c .)
        [ "$n" = 0 ] && return 0
        sleep 0.5
    done
    sd_check "the scenario's workers ended (still $n)" false
}

# The findings of the module as "code vm_guid worker_pid" lines, sorted.
findings() {
    jq -r '.modules[] | select(.id == "hyperv-stuck-vm") | .findings[] |
        "\(.code) \(.evidence.vm_guid // "-") \(.evidence.worker_pid // "-") \(.evidence.events // "-")"' \
        "$1" 2>/dev/null | LC_ALL=C sort
}

# compare NAME FIXTURE: live check, collect, check --from; then compare.
compare() {
    local n=$1 fixture=$2 wfix
    si_run "$n-live" 60 check --only hyperv-stuck-vm --format json "${SAMPLING[@]}"
    sd_check "$n: live report" si_is_report "$SI_TMP/$n-live.out"
    si_run "$n-collect" 60 collect -o "$n.json" "${SAMPLING[@]}"
    sd_assert_eq "$n: collect exit code" 0 "$SI_RC"
    sd_assert_eq "$n: WMI read" read "$(jq -r .hyperv.wmi_state.state "$SI_TMP/$n.json" 2>/dev/null)"
    si_run "$n-from" 60 check --from "$n.json" --only hyperv-stuck-vm --format json
    sd_check "$n: report from the snapshot" si_is_report "$SI_TMP/$n-from.out"
    wfix=$(_sd_wine_run winepath -w "$FIX/$fixture" 2>/dev/null | tr -d '\r')
    si_run "$n-fixture" 60 check --from "$wfix" --only hyperv-stuck-vm --format json
    sd_check "$n: report from the fixture" si_is_report "$SI_TMP/$n-fixture.out"
    sd_assert_eq "$n: live findings = snapshot findings" \
        "$(findings "$SI_TMP/$n-from.out")" "$(findings "$SI_TMP/$n-live.out")"
    sd_assert_eq "$n: codes = the fixture's" \
        "$(si_codes "$SI_TMP/$n-fixture.out")" "$(si_codes "$SI_TMP/$n-live.out")"
}

# stuck_vm NAME VM-NAME: the one HV-VM-STUCK names that VM.
stuck_vm() {
    sd_assert_eq "$1: the stuck VM" "$2" "$(jq -r '[.modules[] |
        select(.id == "hyperv-stuck-vm") | .findings[] |
        select(.code == "HV-VM-STUCK")][0].evidence.vm_name' "$SI_TMP/$1-live.out")"
}

stuck_starting() {
    local i g lines=()
    for i in 1 2 3 4 5; do
        g=5F1B2C3D-000$i-4A5B-9C6D-0000A000000$i
        worker "$g" 40
        lines+=("$(si_vm "$V2" "$g" "APP0$i" 2 "$SI_PID" 300)")
    done
    g=8E0A3C51-7D2B-4F6E-A1C9-3B5D7E9F1A2C
    worker "$g" 4
    lines+=("$(si_vm "$V2" "$g" SQL01 10 "$SI_PID" 40)")
    { si_line namespace "$V2"; si_host "$V2"; printf '%s\n' "${lines[@]}"; } |
        si_wmi_data
    compare stuck_starting stuck_starting.json
    stuck_vm stuck_starting SQL01
    end_workers
}

worker_orphan() {
    local i g lines=()
    for i in 1 2 3; do
        g=5F1B2C3D-000$i-4A5B-9C6D-0000A000000$i
        worker "$g" 40
        lines+=("$(si_vm "$V2" "$g" "APP0$i" 2 "$SI_PID" 300)")
    done
    worker DEADBEEF-0000-4000-8000-00000000F00D 48
    { si_line namespace "$V2"; si_host "$V2"; printf '%s\n' "${lines[@]}"; } |
        si_wmi_data
    compare worker_orphan worker_orphan.json
    sd_assert_eq "worker_orphan: the orphan" DEADBEEF-0000-4000-8000-00000000F00D \
        "$(jq -r '[.modules[].findings[] | select(.code == "HV-WORKER-ORPHAN")][0].evidence.vm_guid' \
            "$SI_TMP/worker_orphan-live.out")"
    end_workers
}

duplicate_names() {
    local i g p lines=()
    for p in 5F1B2C3D 6A2C3D4E; do
        for i in 1 2 3; do
            g=$p-000$i-4A5B-9C6D-0000A000000$i
            worker "$g" 40
            lines+=("$(si_vm "$V2" "$g" "APP0$i" 2 0 300)")
        done
    done
    worker 11111111-AAAA-4BBB-8CCC-000000000001 4
    lines+=("$(si_vm "$V2" 11111111-AAAA-4BBB-8CCC-000000000001 web01 4 0 55)")
    worker 22222222-aaaa-4bbb-8ccc-000000000001 4
    lines+=("$(si_vm "$V2" 22222222-AAAA-4BBB-8CCC-000000000001 web01 2 0 55)")
    { si_line namespace "$V2"; si_host "$V2"; printf '%s\n' "${lines[@]}"; } |
        si_wmi_data
    compare duplicate_names duplicate_names.json
    stuck_vm duplicate_names web01
    end_workers
}

v1_2008r2() {
    local i g lines=()
    for i in 1 2 3; do
        g=5F1B2C3D-000$i-4A5B-9C6D-0000A000000$i
        worker "$g" 40
        lines+=("$(si_vm "$V1" "$g" "APP0$i" 2 "$SI_PID" 300)")
    done
    g=3C9D1E7A-0B4F-4C8D-9E2A-6F1B3D5C7E9
    worker "${g}0" 36
    lines+=("$(si_vm "$V1" "${g}0" EXCH-MBX 32770 "$SI_PID" 40 HealthState=25)")
    worker "${g}1" 40
    lines+=("$(si_vm "$V1" "${g}1" FILE01 32774 "$SI_PID" 3)")
    worker "${g}2" 40
    lines+=("$(si_vm "$V1" "${g}2" TEST01 32768 "$SI_PID" 500)")
    { si_line namespace "$V1"; si_host "$V1"; printf '%s\n' "${lines[@]}"; } |
        si_wmi_data
    compare v1_2008r2 v1_2008r2.json
    stuck_vm v1_2008r2 EXCH-MBX
    sd_assert_eq "v1_2008r2: namespace" 'root\virtualization' \
        "$(jq -r .hyperv.wmi_namespace "$SI_TMP/v1_2008r2.json")"
    end_workers
}

busy_merging() {
    local i g lines=()
    for i in 1 2 3 4 5; do
        g=5F1B2C3D-000$i-4A5B-9C6D-0000A000000$i
        worker "$g" 40
        lines+=("$(si_vm "$V2" "$g" "APP0$i" 2 "$SI_PID" 300)")
    done
    g=8E0A3C51-7D2B-4F6E-A1C9-3B5D7E9F1A2C
    worker "$g" 4
    lines+=("$(si_vm "$V2" "$g" SQL01 10 "$SI_PID" 40 OperationalStatus=2,32772)")
    { si_line namespace "$V2"; si_host "$V2"; printf '%s\n' "${lines[@]}"; } |
        si_wmi_data
    compare busy_merging busy_merging.json
    sd_assert_eq "busy_merging: no verdict of hung" 0 "$(jq '[.modules[].findings[] |
        select(.code == "HV-VM-STUCK" or .code == "HV-VM-SUSPECT")] | length' \
        "$SI_TMP/busy_merging-live.out")"
    end_workers
}

paused_low_space() {
    local i g lines=() small=$SI_TMP/small sql=8E0A3C51-7D2B-4F6E-A1C9-3B5D7E9F1A2C
    mkdir -p "$small"
    if ! mount -t tmpfs -o size=256m sd-standin-small "$small" 2>/dev/null; then
        sd_log "paused_low_space: cannot mount a small tmpfs here"
        return 77
    fi
    # Lazily: Wine may still hold it when the hooks run.
    sd_on_exit "umount -l '$small'"
    mkdir -p "$small/Hyper-V/SQL01" &&
        head -c 1048576 /dev/zero >"$small/Hyper-V/SQL01/SQL01.vhdx" &&
        head -c 1048576 /dev/zero >"$small/Hyper-V/SQL01/SQL01-data.vhdx" &&
        ln -sfn "$small" "$WINEPREFIX/dosdevices/d:" ||
        { sd_check "paused_low_space: drive D: on the tmpfs" false; return 0; }
    for i in 1 2 3 4 5; do
        g=5F1B2C3D-000$i-4A5B-9C6D-0000A000000$i
        worker "$g" 40
        lines+=("$(si_vm "$V2" "$g" "APP0$i" 2 "$SI_PID" 300)")
    done
    worker "$sql" 40
    lines+=("$(si_vm "$V2" "$sql" SQL01 9 "$SI_PID" 40 HealthState=25 \
        OperationalStatus=5)")
    lines+=("$(si_line object "$V2" Msvm_StorageAllocationSettingData \
        "InstanceID=Microsoft:$sql\\83F8638B\\0\\0\\D" ResourceType=31 \
        'HostResource=D:\Hyper-V\SQL01\SQL01.vhdx')")
    lines+=("$(si_line object "$V2" Msvm_StorageAllocationSettingData \
        "InstanceID=Microsoft:$sql\\83F8638B\\0\\1\\D" ResourceType=31 \
        'HostResource=D:\Hyper-V\SQL01\SQL01-data.vhdx')")
    { si_line namespace "$V2"; si_host "$V2"; printf '%s\n' "${lines[@]}"; } |
        si_wmi_data
    compare paused_low_space paused_low_space.json
    sd_assert_eq "paused_low_space: the disks' volume" "D:\\ D:\\" \
        "$(jq -r --arg g "$sql" '[.hyperv.vms[] | select(.guid == $g) | .disks[].volume] | join(" ")' "$SI_TMP/paused_low_space.json")"
    sd_check "paused_low_space: under 256 MB free" test \
        "$(jq --arg g "$sql" '.hyperv.vms[] | select(.guid == $g) | .disks[0].free_bytes' "$SI_TMP/paused_low_space.json")" -le 268435456
    sd_assert_match "paused_low_space: the message names D:" 'on D:\\ \(' \
        "$(jq -r '[.modules[].findings[] | select(.code == "HV-VM-STORAGE")][0].message' "$SI_TMP/paused_low_space-live.out")"
    end_workers
}

start_events() {
    local i g wk=Microsoft-Windows-Hyper-V-Worker vm=Microsoft-Windows-Hyper-V-VMMS
    local lines=() dc02=E1E1E1E1-0000-4000-8000-00000000000A
    local dc03=E1E1E1E1-0000-4000-8000-00000000000B
    for i in 1 2 3 4 5; do
        g=5F1B2C3D-000$i-4A5B-9C6D-0000A000000$i
        worker "$g" 40
        lines+=("$(si_vm "$V2" "$g" "APP0$i" 2 "$SI_PID" 300)")
    done
    worker "$dc02" 40
    lines+=("$(si_vm "$V2" "$dc02" DC02 10 "$SI_PID" 30)")
    worker "$dc03" 40
    lines+=("$(si_vm "$V2" "$dc03" DC03 10 "$SI_PID" 4)")
    { si_line namespace "$V2"; si_host "$V2"; printf '%s\n' "${lines[@]}"; } |
        si_wmi_data
    {
        si_line channel "$wk-Admin"
        si_line event "$wk-Admin" "$wk" 3040 2 120000 103 DC02 "$dc02"
        si_line event "$wk-Admin" "$wk" 12030 2 6000 104 APP01 \
            5F1B2C3D-0001-4A5B-9C6D-0000A0000001
        si_line event "$wk-Admin" "$wk" 12030 2 1740 100 DC02 "$dc02" 0x80070070
        si_line event "$wk-Admin" "$wk" 3050 2 1680 101 "'DC02' could not initialize memory: There is not enough space on the disk. (0x80070070). (Virtual machine ID $dc02)"
        si_line event "$wk-Admin" "$wk" 18590 2 600 105 DC02 "$dc02"
        si_line channel "$vm-Admin"
        si_line event "$vm-Admin" "$vm" 12030 2 180 102 DC03 \
            e1e1e1e1-0000-4000-8000-00000000000b
    } | si_evt_data
    compare start_events start_events.json
    stuck_vm start_events DC02
    # In the order the log gave them: newest first (EvtQuery reversed),
    # where the fixture lists them oldest first.
    sd_assert_match "start_events: DC02's events" \
        '^3050 at [-0-9T:]+Z, 12030 at [-0-9T:]+Z$' \
        "$(jq -r '[.modules[].findings[] | select(.code == "HV-VM-STUCK")][0].evidence.events' "$SI_TMP/start_events-live.out")"
    sd_assert_match "start_events: DC03's event, from the VMMS log" '^12030 at ' \
        "$(jq -r '[.modules[].findings[] | select(.evidence.vm_name == "DC03")][0].evidence.events' "$SI_TMP/start_events-live.out")"
    : | si_evt_data
    end_workers
}

for s in stuck_starting worker_orphan duplicate_names v1_2008r2 \
         busy_merging paused_low_space start_events; do
    if [ -n "${SI_ONLY:-}" ] && [[ " $SI_ONLY " != *" $s "* ]]; then
        continue
    fi
    si_scenario "$s" "$s"
done
sd_finish
