#!/usr/bin/env bash
# hyperv-stuck-vm's WMI collector against the WMI stand-in playing faults
# (tests/standins/wbemprox.c), one scenario each, in a prefix of the
# test's own with one fake vmwp.exe worker (so Hyper-V is there):
#   ns_missing      neither namespace exists: HV-DEGRADED, said in the
#                   text report too, naming the missing namespaces
#   connect_denied  ConnectServer: access denied: HV-DEGRADED with the
#                   error and the words "access denied"
#   connect_hang    ConnectServer never returns
#   query_fails     ExecQuery fails: HV-DEGRADED naming ExecQuery
#   next_wait       Next times out (honouring its timeout) after 2 VMs
#   next_block      Next never returns after 2 VMs
#   query_hang      ExecQuery never returns
#   disks_next_wait the disks query's Next times out (honouring its
#                   timeout) from the start
#                   a hang: the hyperv-stuck-vm module is UNKNOWN with a
#                   sentence naming what did not answer, and the whole run
#                   ends within --timeout + 2 s (measured here)
#   bad_props       VT_NULL, missing and wrong-typed properties: the run
#                   ends normally, the good VM is read whole (uint64 from
#                   its string), OperationalStatus of the wrong type is
#                   "unreadable", a VM without a name is left out, and no
#                   VM with unknown values is called stuck
#   vms_1000        1,000 VMs: all read, within --timeout + 2 s
#   types           the stand-in itself, through floor_wmi.exe: Get hands
#                   out the VARIANT types of Microsoft's "Numbers (WMI)"
#                   table (uint16 and uint32 VT_I4, uint64 a decimal
#                   VT_BSTR), datetimes as CIM strings, OperationalStatus
#                   as a SAFEARRAY of VT_I4, a select list and a WHERE
# Scenarios in tests/standins/expected-to-fail.txt wait for the collector
# changes in tests/standins/COLLECTOR-CHANGES.md.
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
TMO=10
LIMIT=$((TMO + 2))
G1=1D4E6A10-0000-4000-8000-0000000000A1
G2=1D4E6A10-0000-4000-8000-0000000000A2
G3=1D4E6A10-0000-4000-8000-0000000000A3
si_worker "$G1" 40
W1=$SI_PID

# check NAME: hyperv-stuck-vm as JSON, with the run's deadline.
check() {
    si_run "$1" $((LIMIT + 20)) check --only hyperv-stuck-vm --format json \
        --samples 1 --timeout "$TMO"
    sd_check "$1: the report is written" si_is_report "$SI_TMP/$1.out"
}
# finding NAME CODE JQ: a field of the first finding with that code.
finding() {
    jq -r --arg c "$2" "[.modules[] | select(.id == \"hyperv-stuck-vm\") |
        .findings[] | select(.code == \$c)][0] | $3" "$SI_TMP/$1.out" 2>/dev/null
}
three_vms() {
    si_line namespace "$V2"
    si_host "$V2"
    si_vm "$V2" "$G1" vm1 2 "$W1" 60
    si_vm "$V2" "$G2" vm2 3 0 60
    si_vm "$V2" "$G3" vm3 3 0 60
}

ns_missing() {
    : | si_wmi_data
    check ns_missing
    sd_assert_match "ns_missing: codes" 'HV-DEGRADED' "$(si_codes "$SI_TMP/ns_missing.out")"
    sd_assert_eq "ns_missing: WMI state" absent "$(finding ns_missing HV-DEGRADED .evidence.wmi_state)"
    sd_assert_match "ns_missing: the message names both namespaces" \
        'neither root.virtualization.v2 nor root.virtualization exists' \
        "$(finding ns_missing HV-DEGRADED .message)"
    si_run ns_missing_text $((LIMIT + 20)) check --only hyperv-stuck-vm \
        --samples 1 --timeout "$TMO" --no-color
    sd_assert_match "ns_missing: the text report says it" \
        'HV-DEGRADED' "$(tr -d '\r' <"$SI_TMP/ns_missing_text.out")"
}

connect_denied() {
    { three_vms; si_line connect "$V2" denied; } | si_wmi_data
    check connect_denied
    sd_assert_match "connect_denied: codes" 'HV-DEGRADED' "$(si_codes "$SI_TMP/connect_denied.out")"
    sd_assert_eq "connect_denied: error" 0x80041003 "$(finding connect_denied HV-DEGRADED .evidence.wmi_error)"
    sd_assert_match "connect_denied: message" 'access denied' \
        "$(finding connect_denied HV-DEGRADED .message)"
}

# hang NAME: the outcome every hang must give.
hang() {
    local msgs
    check "$1"
    sd_assert_le "$1: the run ends within --timeout + 2 s (ms)" "$SI_MS" $((LIMIT * 1000))
    sd_assert_eq "$1: module status" unknown "$(si_status "$SI_TMP/$1.out" hyperv-stuck-vm)"
    msgs=$(jq -r '.modules[] | select(.id == "hyperv-stuck-vm") |
        .findings[] | select(.severity == "unknown") | .message' \
        "$SI_TMP/$1.out" 2>/dev/null)
    sd_assert_match "$1: an unknown finding says what did not answer" \
        "WMI.*(did not answer|not answer|hung)" "$msgs"
}

connect_hang() {
    { three_vms; si_line connect "$V2" hang; } | si_wmi_data
    hang connect_hang
}

query_fails() {
    { three_vms; si_line query Msvm_ComputerSystem hr=0x80041001; } | si_wmi_data
    check query_fails
    sd_assert_match "query_fails: codes" 'HV-DEGRADED' "$(si_codes "$SI_TMP/query_fails.out")"
    sd_assert_eq "query_fails: error" 0x80041001 "$(finding query_fails HV-DEGRADED .evidence.wmi_error)"
    sd_assert_match "query_fails: message" 'ExecQuery\(Msvm_ComputerSystem\)' \
        "$(finding query_fails HV-DEGRADED .message)"
}

next_wait() {
    { three_vms; si_line next Msvm_ComputerSystem 2 wait; } | si_wmi_data
    hang next_wait
}

next_block() {
    { three_vms; si_line next Msvm_ComputerSystem 2 block; } | si_wmi_data
    hang next_block
}

query_hang() {
    { three_vms; si_line query Msvm_ComputerSystem hang; } | si_wmi_data
    hang query_hang
}

disks_next_wait() {
    {
        three_vms
        si_line object "$V2" Msvm_StorageAllocationSettingData \
            "InstanceID=Microsoft:$G1\\D1" ResourceType=31 \
            'HostResource=C:\vm\a.vhdx'
        si_line next Msvm_StorageAllocationSettingData 0 wait
    } | si_wmi_data
    hang disks_next_wait
}

bad_props() {
    local snap=$SI_TMP/bad_props.json
    {
        si_line namespace "$V2"
        si_host "$V2"
        si_vm "$V2" "$G1" good 2 "$W1" 60 OnTimeInMilliseconds=123456789012
        si_vm "$V2" "$G2" odd 10 '!null' 60 'EnabledState=!null' \
            'HealthState=!missing' 'OperationalStatus=!str:2' \
            'TimeOfLastStateChange=!i4:7'
        si_vm "$V2" "$G3" noname 10 0 60 'Name=!null'
    } | si_wmi_data
    si_run bad_props_collect $((LIMIT + 20)) collect -o bad_props.json \
        --timeout "$TMO"
    sd_assert_eq "bad_props: collect exit code" 0 "$SI_RC"
    q() { jq -r --arg g "$1" ".hyperv.vms[] | select(.guid == \$g) | $2" "$snap" 2>/dev/null; }
    sd_assert_eq "bad_props: WMI read" read "$(jq -r .hyperv.wmi_state.state "$snap")"
    sd_assert_eq "bad_props: VMs with a name (GUID)" 2 "$(jq '.hyperv.vms | length' "$snap")"
    sd_assert_eq "bad_props: good VM state" 2 "$(q "$G1" .enabled_state)"
    sd_assert_eq "bad_props: good VM uint64 from VT_BSTR" 123456789012 "$(q "$G1" .on_time_ms)"
    sd_assert_eq "bad_props: good VM OperationalStatus" 2 "$(q "$G1" '.operational_status[0].code')"
    sd_assert_eq "bad_props: good VM worker" "$W1" "$(q "$G1" .worker_pid)"
    sd_assert_eq "bad_props: wrong-typed OperationalStatus" unreadable \
        "$(q "$G2" .operational_status_state.state)"
    sd_assert_eq "bad_props: a datetime that is no string" null "$(q "$G2" .state_changed)"
    si_run bad_props_from 60 check --from bad_props.json --only hyperv-stuck-vm --format json
    sd_check "bad_props: check --from gives a report" si_is_report "$SI_TMP/bad_props_from.out"
    sd_assert_eq "bad_props: no verdict on the VM whose values are unknown" 0 \
        "$(jq --arg g "$G2" '[.modules[].findings[] | select(.code == "HV-VM-STUCK" or .code == "HV-VM-SUSPECT") | select(.evidence.vm_guid == $g)] | length' "$SI_TMP/bad_props_from.out")"
}

vms_1000() {
    local i snap=$SI_TMP/vms_1000.json
    {
        si_line namespace "$V2"
        si_host "$V2"
        for i in $(seq 1 1000); do
            si_vm "$V2" "$(printf '2B000000-0000-4000-8000-%012d' "$i")" "vm$i" 3 0 600
        done
    } | si_wmi_data
    si_run vms_1000 $((LIMIT + 30)) collect -o vms_1000.json --timeout "$TMO"
    sd_assert_eq "vms_1000: collect exit code" 0 "$SI_RC"
    sd_assert_le "vms_1000: within --timeout + 2 s (ms)" "$SI_MS" $((LIMIT * 1000))
    sd_assert_eq "vms_1000: WMI read" read "$(jq -r .hyperv.wmi_state.state "$snap")"
    sd_assert_eq "vms_1000: VMs" 1000 "$(jq '.hyperv.vms | length' "$snap")"
    sd_assert_eq "vms_1000: the last one" vm1000 "$(jq -r '.hyperv.vms[-1].name' "$snap")"
}

# prop NAME PROP: the line floor_wmi.exe types printed for PROP.
prop() { tr -d '\r' <"$SI_TMP/$1.out" | grep "^$2 "; }

types() {
    {
        si_line namespace "$V2"
        si_vm "$V2" "$G1" vm1 2 "$W1" 60 OperationalStatus=2,32771 \
            OnTimeInMilliseconds=18446744073709551615
        si_line object "$V2" Msvm_StorageAllocationSettingData \
            "InstanceID=Microsoft:$G1\\DVD" ResourceType=16 \
            'HostResource=D:\iso\x.iso'
        si_line object "$V2" Msvm_StorageAllocationSettingData \
            "InstanceID=Microsoft:$G1\\D1" ResourceType=31 \
            'HostResource=C:\vm\a.vhdx|C:\vm\b.vhdx'
    } | si_wmi_data
    si_run_prog types 30 "$SI_FLOOR" types "$V2" \
        'SELECT * FROM Msvm_ComputerSystem' Name EnabledState ProcessID \
        OnTimeInMilliseconds TimeOfLastStateChange OperationalStatus Nope
    sd_assert_eq "types: string" "Name vt=0x0008 cim=8 $G1" "$(prop types Name)"
    sd_assert_eq "types: uint16" "EnabledState vt=0x0003 cim=18 2" "$(prop types EnabledState)"
    sd_assert_eq "types: uint32" "ProcessID vt=0x0003 cim=19 $W1" "$(prop types ProcessID)"
    sd_assert_eq "types: uint64" "OnTimeInMilliseconds vt=0x0008 cim=21 18446744073709551615" \
        "$(prop types OnTimeInMilliseconds)"
    sd_assert_match "types: datetime" \
        '^TimeOfLastStateChange vt=0x0008 cim=101 [0-9]{14}\.[0-9]{6}[-+][0-9]{3}$' \
        "$(prop types TimeOfLastStateChange)"
    sd_assert_eq "types: uint16[]" "OperationalStatus vt=0x2003 cim=8210 2,32771" \
        "$(prop types OperationalStatus)"
    sd_assert_eq "types: no such property" "Nope hr=0x80041002" "$(prop types Nope)"
    si_run_prog types_where 30 "$SI_FLOOR" types "$V2" \
        'SELECT InstanceID, HostResource FROM Msvm_StorageAllocationSettingData WHERE ResourceType = 31' \
        InstanceID HostResource ResourceType
    sd_assert_eq "types: WHERE" "InstanceID vt=0x0008 cim=8 Microsoft:$G1\\D1" \
        "$(prop types_where InstanceID)"
    sd_assert_eq "types: string[]" "HostResource vt=0x2008 cim=8200" \
        "$(prop types_where HostResource)"
    sd_assert_eq "types: not selected" "ResourceType hr=0x80041002" \
        "$(prop types_where ResourceType)"
}

for s in types ns_missing connect_denied connect_hang query_fails next_wait \
         next_block query_hang disks_next_wait bad_props vms_1000; do
    if [ -n "${SI_ONLY:-}" ] && [[ " $SI_ONLY " != *" $s "* ]]; then
        continue
    fi
    si_scenario "$s" "$s"
done
sd_finish
