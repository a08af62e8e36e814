#!/usr/bin/env bash
# exchange-sp2 under Wine against a real Samba AD DC on 127.0.0.1:
#   1. Windows Server 2008 SP2 (winecfg) with Exchange 2007 SP1 (registry
#      fixture, a stand-in ExSetup.exe 8.1.240.6, Update Rollup 9 and one
#      interim update registered as Windows Installer patches); the DC's schema at SP1 (11116), the organization
#      at SP1 (11221), Microsoft Exchange System Objects at RTM (10628); the
#      Wine user in no domain group.  `check --only exchange-sp2 --dc
#      127.0.0.1 --ldap-user <DN>` must report EXCH-UPGRADE-PATH,
#      EXCH-INTERIM-UPDATE (patch code, uninstall command), the three
#      AD-*-PREP-NEEDED with the values read from the DC, AD-RIGHTS-MISSING.
#   2. The same with --ldap-user user@realm (Negotiate first, else simple).
#   3. The DC raised to SP2's values: AD-READY, no preparation, no rights.
#   4. A wrong password: AD-UNREACHABLE naming the bind.
#   5. A port that accepts and never answers, and one that never accepts:
#      AD-UNREACHABLE within the --timeout, with the host findings intact.
#   The installer cache holds the product's .msi and Update Rollup 9's
#      .msp but not the interim update's .msp: EXCH-MSI-CACHE-MISSING
#      naming that one file.
#   6. A restart pending in PendingFileRenameOperations and
#      UpdateExeVolatile: EXCH-PENDING-REBOOT naming both.
#   6b. ProductSuite "Small Business(Restricted)": the SBS 2008 SP2 path.
#   6c. No Exchange (the v8.0 key removed), --only: the fresh-install path
#      reads the site's global catalogs and the organization's mode.
#   7. Two more domains in the forest (crossRefs to OUs: Samba serves one
#      domain partition only): one reached through a second connection at
#      RTM's MESO (AD-DOMAIN-PREP-NEEDED, /PrepareDomain:<FQDN>), one with
#      no DC (AD-PARTIAL).
# It runs with the x64 exe, then with the x86 exe under WoW64: the 32-bit
# srvdoctor must read the 64-bit registry view and the Windows Installer data
# of the 64-bit Exchange product, and find the same interim updates as the
# x64 exe on the same prefix (compared in the x86 run).
# sd-arch: x64 x86
# Env: SRVDOCTOR_EXE (the exe under test), SD_EXE_ARCH (x64 or x86),
#      SRVDOCTOR_EXE64 (the x64 exe, for the comparison), SD_SRC, SD_WINE_TEMPLATE (optional:
#      an idle prefix to clone), TMPDIR.  Exit 0 pass, 77 skip, 1 fail.
set -u
here=$(cd "$(dirname "$0")" && pwd)
SD_SRC=${SD_SRC:-$(cd "$here/../.." && pwd)}
export SD_SRC
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
sd_require_exe
sd_require_cmd x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres jq python3 \
  samba samba-tool ldapsearch ldapmodify ldbmodify
[ -x /usr/lib/wine/wine64 ] || sd_skip "wine64 is not installed"
# shellcheck source=lib/wine.sh
. "$here/lib/wine.sh"
# shellcheck source=lib/samba.sh
. "$here/lib/samba.sh"

# A private network namespace (loopback only; crl.microsoft.com at
# 127.0.0.1, where nothing listens): the module's CRL probe
# (collect_crl.c) must never leave the machine.
if [ "${SD_EXCH_NETNS:-}" != 1 ]; then
  command -v unshare >/dev/null && command -v ip >/dev/null ||
    sd_skip "needs unshare and ip for a private network namespace"
  unshare -m -n --propagation private true 2>/dev/null ||
    sd_skip "cannot make a private network namespace (unshare -m -n)"
  SD_EXCH_NETNS=1 exec unshare -m -n --propagation private bash "$0" "$@"
fi
ip link set lo up || sd_fail "cannot bring up loopback in the namespace"
netns_hosts=$(mktemp "${TMPDIR:-/tmp}/sd-exch-hosts.XXXXXX")
{ grep -v 'crl\.microsoft\.com' /etc/hosts; echo '127.0.0.1 crl.microsoft.com'; } >"$netns_hosts"
mount --bind "$netns_hosts" /etc/hosts || sd_fail "cannot bind the hosts file"
rm -f "$netns_hosts"

exe=$(readlink -f "$SRVDOCTOR_EXE")
fix=$here/fixtures/exchange
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sd-exch.XXXXXX")
prefix=""
listener_pid=""

cleanup() {
  [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null
  [ -n "$listener_pid" ] && wait "$listener_pid" 2>/dev/null
  sd_samba_cleanup
  [ -n "$prefix" ] && sd_wine_teardown "$prefix"
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

IU="{1E5C3A90-2B7D-4C1E-9F21-7A4D2B1C0E01}"
PC="{24B2C164-DE66-44FE-B468-A46D9D5E6B31}"
PRODUCT_KEY='HKLM\SOFTWARE\Classes\Installer\Products\461C2B4266EDEF444B864AD6D9E5B613\Patches'

# ---- the Windows side: a prefix of our own (the registry is changed) ----
if [ -n "${SD_WINE_TEMPLATE:-}" ] && [ -f "$SD_WINE_TEMPLATE/system.reg" ]; then
  sd_wine_prefix_clone "$SD_WINE_TEMPLATE" "$tmp/prefix" || sd_fail "cannot clone the Wine prefix"
else
  sd_wine_prefix_create "$tmp/prefix" || sd_fail "cannot create a Wine prefix"
fi
prefix=$WINEPREFIX
# Windows Server 2008 SP2: a Windows that Exchange 2007 SP2 supports.
sd_wine_set_version win2008 || sd_fail "cannot set the prefix to Windows Server 2008"
sd_wine_regedit "$fix/exchange2007-sp1-iu.reg" || sd_fail "regedit of the Exchange fixture failed"
# The product's patch list (REG_MULTI_SZ; see the comment in the .reg file).
sd_wine_reg add "$PRODUCT_KEY" /v Patches /t REG_MULTI_SZ \
  /d 'C3D2E1F0A5B4879678695A4B3C2D1E0F\009A3C5E1D7B2E1C4F912A7D4B2C1E010' /f \
  >/dev/null 2>&1 || sd_fail "reg add of the patch list failed"
x86_64-w64-mingw32-windres "$fix/exsetup_version.rc" -O coff -o "$tmp/exsetup_version.o" &&
  x86_64-w64-mingw32-gcc -O2 -o "$tmp/ExSetup.exe" "$here/tools/fake_exsetup.c" \
    "$tmp/exsetup_version.o" || sd_fail "cannot build the stand-in ExSetup.exe"
bin="$prefix/drive_c/Program Files/Microsoft/Exchange Server/bin"
mkdir -p "$bin" && cp "$tmp/ExSetup.exe" "$bin/ExSetup.exe" || sd_fail "cannot place ExSetup.exe"
# The Windows Installer cache: the product's .msi and Update Rollup 9's .msp
# are there, the interim update's 4d5e6f.msp is not.
cache="$prefix/drive_c/windows/Installer"
mkdir -p "$cache" && printf 'stand-in msi\n' >"$cache/7a8b9c.msi" &&
  printf 'stand-in msp\n' >"$cache/1a2b3c.msp" && rm -f "$cache/4d5e6f.msp" ||
  sd_fail "cannot lay out the installer cache"

# ---- the DC ----
sd_samba_provision "$tmp/samba" || sd_fail "samba provision failed"
sd_samba_start || sd_fail "samba did not start"
sd_exch_extend "$SD_EXCH_SP1_SCHEMA" "$SD_EXCH_SP1_ORG" "$SD_EXCH_RTM_MESO" ||
  sd_fail "extending the DC for Exchange failed"
sd_log "DC values: $(sd_exch_get_versions)"

# run NAME ARGS...: srvdoctor.exe check --only exchange-sp2 --format json;
# the report in $tmp/NAME.json, exit code in rc_NAME, milliseconds in ms_NAME.
# RUN_EXE (default: the exe under test) names another exe for one run.
run() {
  local name=$1 t0 t1 rc
  shift
  t0=$(sd_now_ms)
  sd_wine "${RUN_EXE:-$exe}" check --only exchange-sp2 --format json "$@" \
    >"$tmp/$name.json" 2>"$tmp/$name.err"
  rc=$?
  t1=$(sd_now_ms)
  printf -v "rc_$name" '%s' "$rc"
  printf -v "ms_$name" '%s' "$((t1 - t0))"
  sd_log "$name: exit $rc in $((t1 - t0)) ms"
  if ! jq -e . "$tmp/$name.json" >/dev/null 2>&1; then
    _sd_count_failure "$name: the report is not JSON (exit $rc): $(head -c 400 "$tmp/$name.err")"
    return 1
  fi
}
# q NAME JQ: query a report.
q() { jq -r "$2" "$tmp/$1.json" 2>/dev/null; }
count() { q "$1" "[.modules[] | select(.id==\"exchange-sp2\") | .findings[] | select(.code==\"$2\")] | length"; }
ev() { q "$1" "[.modules[].findings[] | select(.code==\"$2\")][0].evidence.$3 // empty"; }
# cmds NAME CODE: every command of the first CODE finding, one a line, in
# step order (the commands sit inside their steps since report schema 2).
cmds() { q "$1" "[.modules[].findings[] | select(.code==\"$2\")][0].remediation.steps[]? | (.commands[]?, (.alternatives[]?.commands[]?))"; }
expect_count() { sd_assert_eq "$1: $2 findings" "$3" "$(count "$1" "$2")"; }

export SRVDOCTOR_LDAP_PASSWORD=$SD_SAMBA_USER_PW

# ---- 1. SP1 server, SP1 forest with an RTM domain, simple bind as a DN ----
run sp1 --dc 127.0.0.1 --ldap-user "$SD_SAMBA_USER_DN" --timeout 30
sd_assert_eq "sp1: exit code (critical)" 2 "$rc_sp1"
expect_count sp1 EXCH-UPGRADE-PATH 1
sd_assert_eq "sp1: installed build" 8.1.240.6 "$(ev sp1 EXCH-UPGRADE-PATH installed_build)"
sd_assert_match "sp1: build source" 'ExSetup' "$(ev sp1 EXCH-UPGRADE-PATH build_source)"
sd_assert_eq "sp1: update rollup" 9 "$(ev sp1 EXCH-UPGRADE-PATH update_rollup)"
expect_count sp1 EXCH-INTERIM-UPDATE 1
sd_assert_eq "sp1: IU patch code" "$IU" "$(ev sp1 EXCH-INTERIM-UPDATE patch_code)"
sd_assert_eq "sp1: IU kb" KB971234 "$(ev sp1 EXCH-INTERIM-UPDATE kb)"
sd_assert_eq "sp1: IU read through msi.dll" msi "$(ev sp1 EXCH-INTERIM-UPDATE read_from)"
sd_assert_eq "sp1: IU uninstall command" \
  "msiexec /i $PC MSIPATCHREMOVE=$IU /qb /norestart" \
  "$(cmds sp1 EXCH-INTERIM-UPDATE | grep msiexec)"
sd_assert_eq "sp1: IU fixable" true \
  "$(q sp1 '[.modules[].findings[] | select(.code=="EXCH-INTERIM-UPDATE")][0].remediation.fixable')"
expect_count sp1 AD-UNREACHABLE 0
expect_count sp1 AD-SCHEMA-PREP-NEEDED 1
sd_assert_eq "sp1: schema read from the DC" 11116 "$(ev sp1 AD-SCHEMA-PREP-NEEDED schema_version)"
sd_assert_eq "sp1: schema needed" 14622 "$(ev sp1 AD-SCHEMA-PREP-NEEDED schema_version_needed)"
sd_assert_eq "sp1: schema master site" Default-First-Site-Name \
  "$(ev sp1 AD-SCHEMA-PREP-NEEDED schema_master_site)"
sd_assert_eq "sp1: schema master domain" "${SD_SAMBA_REALM,,}" \
  "$(ev sp1 AD-SCHEMA-PREP-NEEDED schema_master_domain)"
expect_count sp1 AD-ORG-PREP-NEEDED 1
sd_assert_eq "sp1: org read from the DC" 11221 "$(ev sp1 AD-ORG-PREP-NEEDED org_version)"
sd_assert_eq "sp1: org DN" "$SD_EXCH_ORG_DN" "$(ev sp1 AD-ORG-PREP-NEEDED org_dn)"
expect_count sp1 AD-DOMAIN-PREP-NEEDED 1
sd_assert_eq "sp1: MESO read from the DC" 10628 "$(ev sp1 AD-DOMAIN-PREP-NEEDED meso_version)"
sd_assert_eq "sp1: MESO needed" 11221 "$(ev sp1 AD-DOMAIN-PREP-NEEDED meso_version_needed)"
expect_count sp1 AD-RIGHTS-MISSING 1
sd_assert_match "sp1: rights missing" 'Schema Admins.*Enterprise Admins.*Domain Admins' \
  "$(ev sp1 AD-RIGHTS-MISSING missing_groups)"
expect_count sp1 AD-READY 0
expect_count sp1 EXCH-OS-UNSUPPORTED 0
expect_count sp1 EXCH-PENDING-REBOOT 0
expect_count sp1 EXCH-PATCHES-UNREADABLE 0
expect_count sp1 EXCH-MSI-CACHE-MISSING 1
sd_assert_eq "sp1: cached packages checked" 3 "$(ev sp1 EXCH-MSI-CACHE-MISSING packages_checked)"
sd_assert_eq "sp1: cached packages missing" 1 "$(ev sp1 EXCH-MSI-CACHE-MISSING missing_count)"
sd_assert_eq "sp1: the interim update's .msp is missing" 'C:\windows\Installer\4d5e6f.msp' \
  "$(ev sp1 EXCH-MSI-CACHE-MISSING "\"package.$IU\"")"
sd_assert_match "sp1: the rollup's .msp is not reported" '^[^;]*KB971234[^;]*$' \
  "$(ev sp1 EXCH-MSI-CACHE-MISSING missing)"
sd_assert_le "sp1: run time (ms)" "$ms_sp1" 30000

# The x86 exe against the x64 exe on the same prefix and DC: the same
# interim updates (patch, product, KB, how they were read) and findings.
if [ "${SD_EXE_ARCH:-x64}" = x86 ]; then
  sd_assert_match "x86 run: the exe is 32-bit" 'PE32 executable.*Intel 80386' "$(file -b "$exe")"
  if [ -n "${SRVDOCTOR_EXE64:-}" ] && [ -f "$SRVDOCTOR_EXE64" ]; then
    RUN_EXE=$(readlink -f "$SRVDOCTOR_EXE64") run sp1_x64 --dc 127.0.0.1 \
      --ldap-user "$SD_SAMBA_USER_DN" --timeout 30
    ius='[.modules[].findings[] | select(.code=="EXCH-INTERIM-UPDATE")
          | {patch_code: .evidence.patch_code, product_code: .evidence.product_code,
             kb: .evidence.kb, read_from: .evidence.read_from,
             commands: [.remediation.steps[]?.commands[]?]}] | sort_by(.patch_code)'
    sd_assert_eq "x86 and x64: the same interim updates" "$(q sp1_x64 "$ius" | jq -c .)" \
      "$(q sp1 "$ius" | jq -c .)"
    sd_assert_eq "x86 finds the interim update at all" 1 "$(q sp1 "$ius" | jq length)"
    shape='[.modules[] | {id, status, codes: [.findings[].code]}]'
    sd_assert_eq "x86 and x64: the same findings" "$(q sp1_x64 "$shape" | jq -c .)" \
      "$(q sp1 "$shape" | jq -c .)"
  else
    _sd_count_failure "x86 run: SRVDOCTOR_EXE64 (the x64 exe to compare with) is missing"
  fi
fi

# The same facts through a snapshot: collect under Wine, check natively.
if sd_wine "$exe" collect --dc 127.0.0.1 --ldap-user "$SD_SAMBA_USER_DN" \
     --timeout 30 >"$tmp/snap.json" 2>"$tmp/snap.err"; then
  sd_log "AD collection took $(jq -r '.exchange.ad.elapsed_ms' "$tmp/snap.json") ms"
  sd_assert_eq "snapshot: AD state" read "$(jq -r '.exchange.ad.state.state' "$tmp/snap.json")"
  sd_assert_eq "snapshot: patches read through msi.dll" MsiEnumPatchesEx \
    "$(jq -r '.msi_patches.method' "$tmp/snap.json")"
  # the forest's domains from the crossRef objects: Samba's own domain,
  # its Microsoft Exchange System Objects read from the DC
  sd_assert_eq "snapshot: forest domains read" read \
    "$(jq -r '.exchange.ad.domains_state.state' "$tmp/snap.json")"
  sd_assert_eq "snapshot: the DC's domain is listed with its MESO" 10628 \
    "$(jq -r --arg nc "$SD_SAMBA_BASEDN" '.exchange.ad.domains[] | select((.nc|ascii_downcase)==($nc|ascii_downcase)) | .meso_version' "$tmp/snap.json")"
  sd_assert_eq "snapshot: its DNS name" "${SD_SAMBA_REALM,,}" \
    "$(jq -r --arg nc "$SD_SAMBA_BASEDN" '.exchange.ad.domains[] | select((.nc|ascii_downcase)==($nc|ascii_downcase)) | .dns' "$tmp/snap.json")"
  if [ -n "${SRVDOCTOR_NATIVE:-}" ] && [ -x "$SRVDOCTOR_NATIVE" ]; then
    "$SRVDOCTOR_NATIVE" check --from "$tmp/snap.json" --only exchange-sp2 \
      --format json >"$tmp/offline.json" 2>/dev/null
    codes() { jq -r '[.modules[] | select(.id=="exchange-sp2") | .findings[].code] | sort | join(" ")' "$1"; }
    sd_assert_eq "snapshot: same findings offline as live" "$(codes "$tmp/sp1.json")" \
      "$(codes "$tmp/offline.json")"
  fi
else
  _sd_count_failure "collect failed: $(head -c 400 "$tmp/snap.err")"
fi

# ---- 2. user@realm ----
run upn --dc 127.0.0.1 --ldap-user "$SD_SAMBA_USER@${SD_SAMBA_REALM,,}" --timeout 30
expect_count upn AD-UNREACHABLE 0
sd_assert_eq "upn: schema read" 11116 "$(ev upn AD-SCHEMA-PREP-NEEDED schema_version)"
sd_assert_match "upn: bind method" '^(negotiate|simple)$' "$(ev upn AD-SCHEMA-PREP-NEEDED bind)"
sd_assert_eq "sp1: simple bind for a DN" simple "$(ev sp1 AD-SCHEMA-PREP-NEEDED bind)"

# ---- 3. the DC at SP2's values ----
sd_exch_set_versions "$SD_EXCH_SP2_SCHEMA" "$SD_EXCH_SP2_ORG" "$SD_EXCH_SP2_MESO" ||
  sd_fail "raising the DC's values failed"
sd_log "DC values: $(sd_exch_get_versions)"
run sp2 --dc 127.0.0.1 --ldap-user "$SD_SAMBA_USER_DN" --timeout 30
expect_count sp2 AD-READY 1
sd_assert_eq "sp2: schema" 14622 "$(ev sp2 AD-READY schema_version)"
sd_assert_eq "sp2: org" 11222 "$(ev sp2 AD-READY org_version)"
sd_assert_eq "sp2: MESO" 11221 "$(ev sp2 AD-READY meso_version)"
for c in AD-SCHEMA-PREP-NEEDED AD-ORG-PREP-NEEDED AD-DOMAIN-PREP-NEEDED \
         AD-RIGHTS-MISSING AD-UNREACHABLE; do
  expect_count sp2 "$c" 0
done
expect_count sp2 EXCH-INTERIM-UPDATE 1

# ---- 4. wrong password ----
SRVDOCTOR_LDAP_PASSWORD=wrong-password run badpw --dc 127.0.0.1 \
  --ldap-user "$SD_SAMBA_USER_DN" --timeout 30
expect_count badpw AD-UNREACHABLE 1
sd_assert_match "badpw: why names the bind" 'bind' "$(ev badpw AD-UNREACHABLE why)"
expect_count badpw EXCH-INTERIM-UPDATE 1
sd_stop_listener() {
  [ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null
  [ -n "$listener_pid" ] && wait "$listener_pid" 2>/dev/null
  listener_pid=""
}

# ---- 5. a DC that never answers (accepts; then never accepts) ----
for mode in silent blackhole; do
  rm -f "$tmp/port"
  python3 "$here/tools/silent_listener.py" "$mode" "$tmp/port" 60 &
  listener_pid=$!
  for _ in $(seq 1 50); do [ -s "$tmp/port" ] && break; sleep 0.1; done
  [ -s "$tmp/port" ] || sd_fail "the $mode listener did not start"
  port=$(cat "$tmp/port")
  run "$mode" --dc "127.0.0.1:$port" --ldap-user "$SD_SAMBA_USER_DN" --timeout 10
  sd_stop_listener
  expect_count "$mode" AD-UNREACHABLE 1
  sd_assert_match "$mode: why" 'no answer|timed out|connect|server' \
    "$(ev "$mode" AD-UNREACHABLE why)"
  sd_assert_eq "$mode: dc named" "127.0.0.1:$port" "$(ev "$mode" AD-UNREACHABLE dc)"
  # the host findings are still there, and the run ended with a report
  # before srvdoctor's own --timeout watchdog (which exits 3 with no report)
  expect_count "$mode" EXCH-INTERIM-UPDATE 1
  rcv=rc_$mode msv=ms_$mode
  sd_assert_eq "$mode: exit code (critical, not killed)" 2 "${!rcv}"
  sd_assert_le "$mode: run time within --timeout 10 (ms)" "${!msv}" 10000
done

# ---- 6. restart pending, read from two of its sources ----
sd_wine_reg add 'HKLM\SYSTEM\CurrentControlSet\Control\Session Manager' \
  /v PendingFileRenameOperations /t REG_MULTI_SZ \
  /d '\??\C:\windows\temp\sd-new.dll\0!\??\C:\windows\temp\sd-old.dll' \
  /f >/dev/null 2>&1 &&
  sd_wine_reg add 'HKLM\SOFTWARE\Microsoft\Updates\UpdateExeVolatile' \
    /v Flags /t REG_DWORD /d 2 /f >/dev/null 2>&1 ||
  sd_fail "cannot set the pending-restart values"
run reboot --dc 127.0.0.1 --ldap-user "$SD_SAMBA_USER_DN" --timeout 30
expect_count reboot EXCH-PENDING-REBOOT 1
sd_assert_eq "reboot: sources" "pending-file-rename, update-exe-volatile" \
  "$(ev reboot EXCH-PENDING-REBOOT sources)"
sd_assert_match "reboot: UpdateExeVolatile value" 'Flags = 2' \
  "$(ev reboot EXCH-PENDING-REBOOT '"source.update-exe-volatile"')"

# ---- 6b. Windows Small Business Server 2008 ----
sd_wine_reg add 'HKLM\SYSTEM\CurrentControlSet\Control\ProductOptions' \
  /v ProductSuite /t REG_MULTI_SZ \
  /d 'Small Business\0Small Business(Restricted)\0Terminal Server' /f \
  >/dev/null 2>&1 || sd_fail "cannot set ProductSuite"
run sbs --dc 127.0.0.1 --ldap-user "$SD_SAMBA_USER_DN" --timeout 30
sd_assert_eq "sbs: the SBS 2008 path" "Windows SBS 2008 (KB 973862)" \
  "$(ev sbs EXCH-UPGRADE-PATH upgrade_path)"
sd_assert_match "sbs: recognised by ProductSuite" 'ProductSuite contains "Small Business\(Restricted\)"' \
  "$(ev sbs EXCH-UPGRADE-PATH sbs_marker)"
sd_assert_eq "sbs: no plain /mode:upgrade command" "" \
  "$(cmds sbs EXCH-UPGRADE-PATH | grep 'mode:upgrade')"

# ---- 6c. the fresh-install path: no Exchange on this computer ----
# The global catalogs of this computer's site and the organization's mode.
# Samba's DC is a global catalog; its computer object says Windows Server
# 2003 SP2. Samba's schema has no msExchMixedMode: the value is "not set".
sd_samba_set_dc_os "Windows Server 2003" "5.2 (3790)" "Service Pack 2" ||
  sd_fail "cannot set the DC's operating system"
sd_wine_reg delete 'HKLM\SOFTWARE\Microsoft\Exchange\v8.0' /f >/dev/null 2>&1 ||
  sd_fail "cannot remove the Exchange 2007 key"
run fresh --dc 127.0.0.1 --ldap-user "$SD_SAMBA_USER_DN" --timeout 30
expect_count fresh EXCH-NOT-INSTALLED 1
expect_count fresh AD-EXCHANGE55 0
if sd_wine "$exe" collect --dc 127.0.0.1 --ldap-user "$SD_SAMBA_USER_DN" \
     --timeout 30 >"$tmp/fresh-snap.json" 2>/dev/null; then
  sd_assert_eq "fresh: the organization's mode" absent \
    "$(jq -r '.exchange.ad.org_mixed_mode_state.state' "$tmp/fresh-snap.json")"
  if [ "$(jq -r '.exchange.ad.local_site_state.state' "$tmp/fresh-snap.json")" = read ]; then
    sd_assert_eq "fresh: global catalogs of the site read" read \
      "$(jq -r '.exchange.ad.gcs_state.state' "$tmp/fresh-snap.json")"
    sd_assert_eq "fresh: the DC is the site's global catalog" "5.2 (3790)" \
      "$(jq -r '.exchange.ad.gcs[0].os_version' "$tmp/fresh-snap.json")"
    expect_count fresh AD-GC-MISSING 0
    sd_assert_match "fresh: the global catalog named in AD-READY" 'Windows Server 2003' \
      "$(ev fresh AD-READY site_global_catalogs)"
  else
    # Wine has no domain membership: DsGetSiteName cannot name a site, and
    # the global catalog check must say so instead of passing.
    sd_log "fresh: this computer's site is not known under Wine ($(jq -r '.exchange.ad.local_site_state.why // empty' "$tmp/fresh-snap.json"))"
    sd_assert_eq "fresh: global catalogs unreadable without a site" unreadable \
      "$(jq -r '.exchange.ad.gcs_state.state' "$tmp/fresh-snap.json")"
    expect_count fresh AD-GC-MISSING 0
    expect_count fresh AD-READY 0
    sd_assert_match "fresh: AD-PARTIAL names the global catalogs" 'global catalogs' \
      "$(ev fresh AD-PARTIAL unread)"
  fi
else
  _sd_count_failure "fresh: collect failed"
fi

# ---- 7. more domains in the forest ----
# Samba serves one domain partition only (no child domains) and refuses a
# crossRef whose nCName does not exist, so each stand-in domain is an OU of
# Samba's domain named by a crossRef with the domain flag (systemFlags 3,
# set through the local sam.ldb as only the system may):
#   - "localhost" (its dnsRoot reaches this same Samba through a second
#     connection), prepared only to Exchange 2007 RTM (MESO 10628):
#     AD-DOMAIN-PREP-NEEDED with Setup.com /PrepareDomain:localhost;
#   - "emea.<realm>" (no DC answers for it): named under AD-PARTIAL, never
#     "ready" nor "never prepared".
add_domain() { # NAME DNSROOT
  sd_ldapmodify -a >>"$tmp/crossref.log" 2>&1 <<EOF
dn: OU=$1,$SD_SAMBA_BASEDN
objectClass: organizationalUnit
ou: $1

dn: CN=$1,CN=Partitions,$SD_SAMBA_CONFIGDN
objectClass: crossRef
cn: $1
nCName: OU=$1,$SD_SAMBA_BASEDN
dnsRoot: $2
nETBIOSName: $1
EOF
  # Samba clears systemFlags on an LDAP add and lets only the system set
  # it: set the domain flag through the local database.
  ldbmodify -H "$SD_SAMBA_DIR/private/sam.ldb" >>"$tmp/crossref.log" 2>&1 <<EOF
dn: CN=$1,CN=Partitions,$SD_SAMBA_CONFIGDN
changetype: modify
replace: systemFlags
systemFlags: 3
EOF
}
if add_domain SDLOCAL localhost && add_domain EMEA "emea.${SD_SAMBA_REALM,,}" &&
   sd_exch_add_meso "$SD_EXCH_RTM_MESO" "OU=SDLOCAL,$SD_SAMBA_BASEDN" >>"$tmp/crossref.log" 2>&1; then
  run forest --dc 127.0.0.1 --ldap-user "$SD_SAMBA_USER_DN" --timeout 30
  expect_count forest AD-READY 0
  expect_count forest AD-DOMAIN-PREP-NEEDED 1
  sd_assert_eq "forest: the stand-in domain needs /PrepareDomain" localhost \
    "$(ev forest AD-DOMAIN-PREP-NEEDED domain)"
  sd_assert_eq "forest: its MESO read through a second connection" 10628 \
    "$(ev forest AD-DOMAIN-PREP-NEEDED meso_version)"
  sd_assert_eq "forest: the command for that domain" "Setup.com /PrepareDomain:localhost" \
    "$(cmds forest AD-DOMAIN-PREP-NEEDED | grep -m1 PrepareDomain)"
  expect_count forest AD-PARTIAL 1
  sd_assert_match "forest: the unreachable domain is named as unread" \
    "emea\\.${SD_SAMBA_REALM,,}" "$(ev forest AD-PARTIAL unread)"
  sd_assert_le "forest: run time (ms)" "$ms_forest" 30000
else
  _sd_count_failure "cannot add the stand-in domains: $(head -c 300 "$tmp/crossref.log")"
fi

sd_finish
