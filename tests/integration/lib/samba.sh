# shellcheck shell=bash
# tests/integration/lib/samba.sh - a throwaway Samba AD DC on 127.0.0.1 with
# the Exchange version objects srvdoctor reads. See README.md in this folder.
#
# Source it:   . "$SD_SRC/tests/integration/lib/samba.sh"
# Typical use:
#   trap 'sd_samba_cleanup' EXIT
#   sd_samba_provision            # temp dir, realm SDTEST.LAN, test user sdtest
#   sd_samba_start                # background samba, waits for LDAP on :389
#   sd_exch_extend 11116 11221 10628   # schema rangeUpper, org and MESO objectVersion
#   sd_exch_set_versions "$SD_EXCH_SP2_SCHEMA" "$SD_EXCH_SP2_ORG" "$SD_EXCH_SP2_MESO"
#
# Functions (return non-zero on failure, never `exit`):
#   sd_samba_provision [DIR]      provision a DC into DIR (default: new temp dir);
#                                 writes a private smb.conf; adds the test user
#   sd_samba_start [WAIT_SECS]    start `samba -i -M single` in its own process
#                                 group; waits (default 30 s) until the rootDSE
#                                 answers; SD_SAMBA_PID
#   sd_samba_stop                 stop that samba (TERM to its group, then KILL)
#   sd_samba_cleanup              stop and delete the provision directory
#   sd_samba_running              0 when our samba is alive
#   sd_ldapsearch ARGS...         ldapsearch -x as Administrator (-LLL, no wrap)
#   sd_ldapsearch_as DN PW ARGS...  same with another simple-bind identity
#   sd_ldapmodify [ARGS...]       ldapmodify as Administrator, LDIF on stdin
#   sd_ldap_get BASE ATTR [SCOPE [FILTER]]   print the values of ATTR (one per
#                                 line, base64 decoded) of the matching entries
#   sd_rootdse_get ATTR           one rootDSE attribute
#   sd_samba_add_user NAME PW     add a user (no admin group membership)
#   sd_samba_add_to_group GROUP_CN USER_DN   e.g. "Schema Admins"
#   sd_samba_remove_from_group GROUP_CN USER_DN
#   sd_samba_set_mixed_domain 0|1  nTMixedDomain of the domain (1 = 2000 mixed)
#   sd_samba_set_dc_os OS VERSION [SP]  operatingSystem* of the DC computer
#                                 object (the schema master's computer)
#   sd_exch_extend [SCHEMA [ORG [MESO]]]  schema attribute + classes, the org
#                                 and MESO objects with those versions
#   sd_exch_extend_schema [RANGEUPPER]    only /PrepareSchema's part
#   sd_exch_add_org [OBJECTVERSION]       only the org (needs the schema part)
#   sd_exch_add_meso [OBJECTVERSION [PARENT_DN]]  a MESO container (default
#                                 under the domain NC; another parent makes a
#                                 second, "problem" MESO)
#   sd_exch_set_schema_version N | sd_exch_set_org_version N |
#   sd_exch_set_meso_version N [MESO_DN] | sd_exch_set_versions S O M
#   sd_exch_delete_org | sd_exch_delete_meso [MESO_DN]
#   sd_exch_get_versions          prints "schema=N org=N meso=N" (ldapsearch)
#
# Variables (set before provisioning to change them):
#   SD_SAMBA_REALM (SDTEST.LAN)  SD_SAMBA_DOMAIN (SDTEST)  SD_SAMBA_HOSTNAME (DC1)
#   SD_SAMBA_ADMIN_PW  SD_SAMBA_USER (sdtest)  SD_SAMBA_USER_PW
#   SD_SAMBA_FUNCTION_LEVEL (2008_R2; 2000|2003|2008|2008_R2)
#   SD_SAMBA_MAX_RUNTIME (1800 s: samba ends itself after that, a safety net)
#   SD_EXCH_ORG_NAME ("First Organization")
# Set by the functions:
#   SD_SAMBA_DIR SD_SAMBA_CONF SD_SAMBA_PID SD_SAMBA_URI SD_SAMBA_BASEDN
#   SD_SAMBA_CONFIGDN SD_SAMBA_SCHEMADN SD_SAMBA_ADMIN_DN SD_SAMBA_USER_DN
#   SD_EXCH_SCHEMA_DN SD_EXCH_ORG_DN SD_EXCH_MESO_DN
#   SD_SAMBA_PROVISION_MS SD_SAMBA_START_MS

SD_SAMBA_REALM=${SD_SAMBA_REALM:-SDTEST.LAN}
SD_SAMBA_DOMAIN=${SD_SAMBA_DOMAIN:-SDTEST}
SD_SAMBA_HOSTNAME=${SD_SAMBA_HOSTNAME:-DC1}
SD_SAMBA_ADMIN_PW=${SD_SAMBA_ADMIN_PW:-Sd-Admin-Pw1!}
SD_SAMBA_USER=${SD_SAMBA_USER:-sdtest}
SD_SAMBA_USER_PW=${SD_SAMBA_USER_PW:-Sd-Test-Pw1!}
SD_SAMBA_FUNCTION_LEVEL=${SD_SAMBA_FUNCTION_LEVEL:-2008_R2}
SD_SAMBA_MAX_RUNTIME=${SD_SAMBA_MAX_RUNTIME:-1800}
SD_SAMBA_HOST=127.0.0.1
SD_SAMBA_PORT=389
SD_SAMBA_URI=ldap://$SD_SAMBA_HOST:$SD_SAMBA_PORT
SD_EXCH_ORG_NAME=${SD_EXCH_ORG_NAME:-First Organization}

# Exchange version values, from shared/facts/exchange.md section 3.6.
SD_EXCH_RTM_SCHEMA=10637 SD_EXCH_RTM_ORG=10666 SD_EXCH_RTM_MESO=10628
SD_EXCH_SP1_SCHEMA=11116 SD_EXCH_SP1_ORG=11221 SD_EXCH_SP1_MESO=11221
SD_EXCH_SP2_SCHEMA=14622 SD_EXCH_SP2_ORG=11222 SD_EXCH_SP2_MESO=11221

# Private OIDs for the Exchange schema objects we add (see README.md): the
# arc 1.3.6.1.4.1.32473 is IANA's documentation enterprise number (RFC 5612).
SD_EXCH_OID_ARC=1.3.6.1.4.1.32473.77
# defaultSecurityDescriptor of our Exchange classes: the one of "container"
# (Domain Admins and SYSTEM full control, Authenticated Users read/list), so
# an ordinary user can read objectVersion as in a real Exchange forest.
SD_EXCH_DEFAULT_SD='D:(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;DA)(A;;RPWPCRCCDCLCLORCWOWDSDDTSW;;;SY)(A;;RPLCLORC;;;AU)'

SD_SAMBA_DIR=${SD_SAMBA_DIR:-}
SD_SAMBA_PID=${SD_SAMBA_PID:-}

_sd_samba_log() { printf '[samba] %s\n' "$*" >&2; }
_sd_samba_now_ms() { date +%s%3N; }

# Remember a PID for the runner's leftover sweep (SD_CLEANUP_FILE, if set).
_sd_samba_register() {
    [ -n "${SD_CLEANUP_FILE:-}" ] && printf 'pgid %s samba\n' "$1" >>"$SD_CLEANUP_FILE"
    return 0
}

_sd_samba_dns() {
    # SDTEST.LAN -> DC=sdtest,DC=lan
    local realm=${SD_SAMBA_REALM,,} out="" part
    local IFS=.
    for part in $realm; do
        out="${out:+$out,}DC=$part"
    done
    printf '%s' "$out"
}

_sd_samba_set_dns() {
    SD_SAMBA_BASEDN=$(_sd_samba_dns)
    SD_SAMBA_CONFIGDN="CN=Configuration,$SD_SAMBA_BASEDN"
    SD_SAMBA_SCHEMADN="CN=Schema,$SD_SAMBA_CONFIGDN"
    SD_SAMBA_ADMIN_DN="CN=Administrator,CN=Users,$SD_SAMBA_BASEDN"
    SD_SAMBA_USER_DN="CN=$SD_SAMBA_USER,CN=Users,$SD_SAMBA_BASEDN"
    SD_SAMBA_DC_DN="CN=$SD_SAMBA_HOSTNAME,OU=Domain Controllers,$SD_SAMBA_BASEDN"
    SD_EXCH_SCHEMA_DN="CN=ms-Exch-Schema-Version-Pt,$SD_SAMBA_SCHEMADN"
    SD_EXCH_CONTAINER_DN="CN=Microsoft Exchange,CN=Services,$SD_SAMBA_CONFIGDN"
    SD_EXCH_ORG_DN="CN=$SD_EXCH_ORG_NAME,$SD_EXCH_CONTAINER_DN"
    SD_EXCH_MESO_DN="CN=Microsoft Exchange System Objects,$SD_SAMBA_BASEDN"
}
_sd_samba_set_dns

_sd_samba_write_conf() {
    local d=$SD_SAMBA_DIR
    cat >"$SD_SAMBA_CONF" <<EOF
# Written by tests/integration/lib/samba.sh: a private AD DC on loopback.
[global]
	netbios name = $SD_SAMBA_HOSTNAME
	realm = $SD_SAMBA_REALM
	workgroup = $SD_SAMBA_DOMAIN
	server role = active directory domain controller
	# LDAP only (389, 636, 3268, 3269 on 127.0.0.1): no smbd, winbindd,
	# kdc, dns, cldap.
	server services = ldap
	interfaces = $SD_SAMBA_HOST
	bind interfaces only = yes
	# simple binds over plain LDAP (the product's --ldap-user path, ldapsearch -x)
	ldap server require strong auth = no
	# we extend the schema at run time
	dsdb:schema update allowed = true
	disable netbios = yes
	private dir = $d/private
	lock directory = $d
	state directory = $d/state
	cache directory = $d/cache
	pid directory = $d/run
	ncalrpc dir = $d/run/ncalrpc
	winbindd socket directory = $d/run/winbindd
	ntp signd socket directory = $d/run/ntp_signd
	binddns dir = $d/bind-dns
	log file = $d/log/log.%m
	logging = file
	log level = 1
	panic action =
	load printers = no
	printing = bsd
	printcap name = /dev/null
EOF
}

sd_samba_provision() {
    local dir=${1:-} t0 t1 out
    command -v samba-tool >/dev/null || { _sd_samba_log "samba-tool not installed"; return 1; }
    if [ -z "$dir" ]; then
        dir=$(mktemp -d "${SD_TEST_TMP:-${TMPDIR:-/tmp}}/sd-samba.XXXXXX") || return 1
    fi
    mkdir -p "$dir" || return 1
    SD_SAMBA_DIR=$(readlink -f "$dir")
    SD_SAMBA_CONF=$SD_SAMBA_DIR/etc/smb.conf
    _sd_samba_set_dns
    t0=$(_sd_samba_now_ms)
    out=$SD_SAMBA_DIR/provision.log
    if ! samba-tool domain provision \
        --targetdir="$SD_SAMBA_DIR" \
        --realm="$SD_SAMBA_REALM" --domain="$SD_SAMBA_DOMAIN" \
        --host-name="$SD_SAMBA_HOSTNAME" --host-ip="$SD_SAMBA_HOST" \
        --server-role=dc --dns-backend=NONE \
        --function-level="$SD_SAMBA_FUNCTION_LEVEL" \
        --adminpass="$SD_SAMBA_ADMIN_PW" \
        --option="interfaces = $SD_SAMBA_HOST" --option="bind interfaces only = yes" \
        </dev/null >"$out" 2>&1; then
        _sd_samba_log "samba-tool domain provision failed:"
        tail -n 30 "$out" >&2
        return 1
    fi
    mkdir -p "$SD_SAMBA_DIR"/{cache,run,log,state} || return 1
    # Replace the generated smb.conf (it points logs at /var/log/samba, pid
    # files at /run/samba, starts every service) with our private one.
    _sd_samba_write_conf || return 1
    # The test user: an ordinary Domain User, in no admin group.
    sd_samba_add_user "$SD_SAMBA_USER" "$SD_SAMBA_USER_PW" || return 1
    t1=$(_sd_samba_now_ms)
    SD_SAMBA_PROVISION_MS=$((t1 - t0))
    _sd_samba_log "provisioned $SD_SAMBA_REALM in $SD_SAMBA_DIR in ${SD_SAMBA_PROVISION_MS} ms"
}

sd_samba_running() {
    [ -n "${SD_SAMBA_PID:-}" ] || return 1
    kill -0 "$SD_SAMBA_PID" 2>/dev/null || return 1
    # guard against PID reuse
    grep -q samba "/proc/$SD_SAMBA_PID/cmdline" 2>/dev/null
}

# Is our own background child PID still running?  Not sd_samba_running:
# right after the fork the child is still bash until it execs samba (under
# load that takes a while), so its command line need not say samba yet; and
# a child's PID cannot be reused before we reap it.  A zombie has exited.
_sd_samba_child_alive() {
    local st
    kill -0 "$1" 2>/dev/null || return 1
    st=$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)
    [ -n "$st" ] && [ "$st" != Z ]
}

_sd_samba_port_busy() {
    # something (another samba, slapd, a stale run) already on one of the
    # LDAP ports samba binds (389, 636, 3268, 3269)?
    if command -v ss >/dev/null; then
        ss -Hltn "( sport = :$SD_SAMBA_PORT or sport = :636 or sport = :3268 or sport = :3269 )" \
            2>/dev/null | grep -q .
    else
        (exec 3<>"/dev/tcp/$SD_SAMBA_HOST/$SD_SAMBA_PORT") 2>/dev/null
    fi
}

sd_samba_start() {
    # A DC stopped a moment ago may still hold a socket, and then the new
    # samba exits at once: try up to three times, a little apart.
    local attempt
    for attempt in 1 2 3; do
        _sd_samba_start_once "$@" && return 0
        [ "${_SD_SAMBA_EXITED_EARLY:-0}" = 1 ] || return 1
        _sd_samba_log "start attempt $attempt failed; trying again in 3 s"
        sleep 3
    done
    return 1
}

_sd_samba_start_once() {
    local wait_s=${1:-30} t0 t1 deadline
    _SD_SAMBA_EXITED_EARLY=0
    [ -n "${SD_SAMBA_DIR:-}" ] && [ -f "$SD_SAMBA_CONF" ] ||
        { _sd_samba_log "sd_samba_start: provision first"; return 1; }
    if sd_samba_running; then
        return 0
    fi
    # Someone else's DC (another run on this machine) may hold the port for
    # a while: wait for it, bounded.
    deadline=$(($(_sd_samba_now_ms) + ${SD_SAMBA_PORT_WAIT:-120} * 1000))
    while _sd_samba_port_busy; do
        if [ "$(_sd_samba_now_ms)" -gt "$deadline" ]; then
            _sd_samba_log "port $SD_SAMBA_PORT on $SD_SAMBA_HOST is still in use:"
            ss -Hltnp "sport = :$SD_SAMBA_PORT" >&2 2>/dev/null
            return 1
        fi
        sleep 1
    done
    t0=$(_sd_samba_now_ms)
    # -i: stay in the foreground of this background job (samba puts itself
    # in its own process group); --maximum-runtime: ends itself even if every
    # cleanup path below failed. stdin is /dev/null (samba -i exits on EOF of
    # a pipe, not of /dev/null).
    samba -i -M single -s "$SD_SAMBA_CONF" --maximum-runtime="$SD_SAMBA_MAX_RUNTIME" \
        </dev/null >"$SD_SAMBA_DIR/log/samba.out" 2>&1 &
    SD_SAMBA_PID=$!
    echo "$SD_SAMBA_PID" >"$SD_SAMBA_DIR/samba.pid"
    _sd_samba_register "$SD_SAMBA_PID"
    _sd_samba_watchdog "$SD_SAMBA_PID"
    deadline=$((t0 + wait_s * 1000))
    while :; do
        if ! _sd_samba_child_alive "$SD_SAMBA_PID"; then
            _sd_samba_log "samba exited during start-up:"
            tail -n 30 "$SD_SAMBA_DIR/log/samba.out" >&2
            ls "$SD_SAMBA_DIR/log" >&2 2>/dev/null
            tail -n 20 "$SD_SAMBA_DIR"/log/log.* >&2 2>/dev/null
            _SD_SAMBA_EXITED_EARLY=1
            SD_SAMBA_PID=
            return 1
        fi
        if ldapsearch -x -H "$SD_SAMBA_URI" -o nettimeout=2 -l 2 -b '' -s base \
            dnsHostName >/dev/null 2>&1; then
            break
        fi
        if [ "$(_sd_samba_now_ms)" -gt "$deadline" ]; then
            _sd_samba_log "LDAP did not answer within $wait_s s"
            tail -n 30 "$SD_SAMBA_DIR/log/samba.out" >&2
            sd_samba_stop
            return 1
        fi
        sleep 0.1
    done
    t1=$(_sd_samba_now_ms)
    SD_SAMBA_START_MS=$((t1 - t0))
    _sd_samba_log "samba pid $SD_SAMBA_PID answers on $SD_SAMBA_URI after ${SD_SAMBA_START_MS} ms"
}

# A detached watcher: when the shell that started samba goes away (even by
# SIGKILL, when no trap can run), it stops samba's process group.
_sd_samba_watchdog() {
    local spid=$1 owner=$$
    (
        trap '' HUP INT
        while kill -0 "$owner" 2>/dev/null && kill -0 "$spid" 2>/dev/null; do
            sleep 1
        done
        if kill -0 "$spid" 2>/dev/null && grep -q samba "/proc/$spid/cmdline" 2>/dev/null; then
            kill -TERM -- "-$spid" 2>/dev/null || kill -TERM "$spid" 2>/dev/null
            sleep 3
            kill -KILL -- "-$spid" 2>/dev/null
        fi
    ) </dev/null >/dev/null 2>&1 &
    SD_SAMBA_WATCHDOG_PID=$!
    disown "$SD_SAMBA_WATCHDOG_PID" 2>/dev/null || true
}

sd_samba_stop() {
    local pid=${SD_SAMBA_PID:-} i
    [ -n "$pid" ] || return 0
    if sd_samba_running; then
        # samba -i makes itself a process-group leader: signal the group so
        # any helper it forked goes too.
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
        for i in $(seq 1 50); do
            sd_samba_running || break
            sleep 0.1
        done
        if sd_samba_running; then
            _sd_samba_log "samba $pid ignored SIGTERM; killing"
            kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
        fi
    fi
    kill -KILL -- "-$pid" 2>/dev/null || true  # stray group members, if any
    wait "$pid" 2>/dev/null || true
    if [ -n "${SD_SAMBA_WATCHDOG_PID:-}" ]; then
        kill "$SD_SAMBA_WATCHDOG_PID" 2>/dev/null || true
        SD_SAMBA_WATCHDOG_PID=
    fi
    SD_SAMBA_PID=
}

sd_samba_cleanup() {
    sd_samba_stop
    if [ -n "${SD_SAMBA_DIR:-}" ] && [ -f "$SD_SAMBA_DIR/etc/smb.conf" ]; then
        rm -rf "$SD_SAMBA_DIR"
    fi
    SD_SAMBA_DIR=
}

# ---------------------------------------------------------------- LDAP helpers

sd_ldapsearch_as() {
    local dn=$1 pw=$2
    shift 2
    ldapsearch -x -H "$SD_SAMBA_URI" -D "$dn" -w "$pw" -o nettimeout=5 -l 10 \
        -LLL -o ldif-wrap=no "$@"
}

sd_ldapsearch() {
    sd_ldapsearch_as "$SD_SAMBA_ADMIN_DN" "$SD_SAMBA_ADMIN_PW" "$@"
}

sd_ldapmodify() {
    ldapmodify -x -H "$SD_SAMBA_URI" -D "$SD_SAMBA_ADMIN_DN" -w "$SD_SAMBA_ADMIN_PW" \
        -o nettimeout=5 "$@" >/dev/null
}

# Values of one attribute from (unwrapped) LDIF on stdin; "attr:: base64" is
# decoded. Continuation references ("# refldap://...") are ignored.
_sd_ldif_values() {
    local want=${1,,} line name val
    while IFS= read -r line; do
        case $line in
            '#'* | '') continue ;;
        esac
        name=${line%%:*}
        [ "${name,,}" = "$want" ] || continue
        val=${line#*:}
        if [ "${val:0:1}" = ":" ]; then
            printf '%s\n' "$(printf '%s' "${val:1}" | tr -d ' ' | base64 -d)"
        else
            printf '%s\n' "${val# }"
        fi
    done
}

sd_ldap_get() {
    local base=$1 attr=$2 scope=${3:-base} filter=${4:-(objectClass=*)}
    sd_ldapsearch -b "$base" -s "$scope" "$filter" "$attr" | _sd_ldif_values "$attr"
    return "${PIPESTATUS[0]}"
}

sd_rootdse_get() {
    ldapsearch -x -H "$SD_SAMBA_URI" -o nettimeout=5 -l 10 -LLL -o ldif-wrap=no \
        -b '' -s base '(objectClass=*)' "$1" | _sd_ldif_values "$1"
}

# ---------------------------------------------------------------- users/groups

sd_samba_add_user() {
    local name=${1:?name} pw=${2:?password} out
    # Offline when samba is stopped; over LDAP-with-NTLM-sealing otherwise
    # (a password may not be set over a plain simple-bind connection).
    if sd_samba_running; then
        out=$(samba-tool user create "$name" "$pw" -H "$SD_SAMBA_URI" \
            -U "Administrator%$SD_SAMBA_ADMIN_PW" --use-kerberos=off \
            --configfile="$SD_SAMBA_CONF" 2>&1 </dev/null)
    else
        out=$(samba-tool user create "$name" "$pw" -H "$SD_SAMBA_DIR/private/sam.ldb" \
            --configfile="$SD_SAMBA_CONF" 2>&1 </dev/null)
    fi || { _sd_samba_log "user create $name failed: $out"; return 1; }
}

_sd_samba_group_member() {
    local op=$1 group=$2 dn=$3
    sd_ldapmodify <<EOF
dn: CN=$group,CN=Users,$SD_SAMBA_BASEDN
changetype: modify
$op: member
member: $dn
-
EOF
}
sd_samba_add_to_group() { _sd_samba_group_member add "$1" "$2"; }
sd_samba_remove_from_group() { _sd_samba_group_member delete "$1" "$2"; }

sd_samba_set_dc_os() {
    local os=${1:?operatingSystem} ver=${2:?operatingSystemVersion} sp=${3:-}
    {
        printf 'dn: %s\nchangetype: modify\nreplace: operatingSystem\noperatingSystem: %s\n-\n' \
            "$SD_SAMBA_DC_DN" "$os"
        printf 'replace: operatingSystemVersion\noperatingSystemVersion: %s\n-\n' "$ver"
        if [ -n "$sp" ]; then
            printf 'replace: operatingSystemServicePack\noperatingSystemServicePack: %s\n-\n' "$sp"
        else
            printf 'replace: operatingSystemServicePack\n-\n'
        fi
    } | sd_ldapmodify
}

# nTMixedDomain on the domain NC root: 1 = Windows 2000 mixed mode. Samba
# lets an administrator write it; with SD_SAMBA_FUNCTION_LEVEL=2000 (rootDSE
# domainFunctionality 0) this models a mixed-mode domain.
sd_samba_set_mixed_domain() {
    _sd_replace_int "$SD_SAMBA_BASEDN" nTMixedDomain "${1:?0 or 1}"
}

# ---------------------------------------------------------------- Exchange

_sd_exch_schema_refresh() {
    sd_ldapmodify <<EOF
dn:
changetype: modify
add: schemaUpdateNow
schemaUpdateNow: 1
-
EOF
}

_sd_dn_exists() {
    sd_ldapsearch -b "$1" -s base dn </dev/null 2>/dev/null | grep -q '^dn:'
}

# Add one schema object unless it is there already (idempotent).
_sd_exch_schema_add() {
    local dn=$1
    _sd_dn_exists "$dn" && return 0
    sd_ldapmodify -a || {
        # Samba can answer an add of a schema object with an error even
        # though the object was written; trust the directory, not the rc.
        _sd_dn_exists "$dn"
    }
}

sd_exch_extend_schema() {
    local range=${1:-$SD_EXCH_SP1_SCHEMA} S=$SD_SAMBA_SCHEMADN
    _sd_exch_schema_add "$SD_EXCH_SCHEMA_DN" <<EOF || return 1
dn: $SD_EXCH_SCHEMA_DN
objectClass: top
objectClass: attributeSchema
cn: ms-Exch-Schema-Version-Pt
lDAPDisplayName: msExchSchemaVersionPt
attributeID: $SD_EXCH_OID_ARC.1.1
attributeSyntax: 2.5.5.9
oMSyntax: 2
isSingleValued: TRUE
searchFlags: 0
rangeUpper: $range
EOF
    _sd_exch_schema_add "CN=ms-Exch-Configuration-Container,$S" <<EOF || return 1
dn: CN=ms-Exch-Configuration-Container,$S
objectClass: top
objectClass: classSchema
cn: ms-Exch-Configuration-Container
lDAPDisplayName: msExchConfigurationContainer
governsID: $SD_EXCH_OID_ARC.2.1
subClassOf: container
objectClassCategory: 1
possSuperiors: container
defaultObjectCategory: CN=ms-Exch-Configuration-Container,$S
defaultSecurityDescriptor: $SD_EXCH_DEFAULT_SD
EOF
    _sd_exch_schema_add "CN=ms-Exch-Organization-Container,$S" <<EOF || return 1
dn: CN=ms-Exch-Organization-Container,$S
objectClass: top
objectClass: classSchema
cn: ms-Exch-Organization-Container
lDAPDisplayName: msExchOrganizationContainer
governsID: $SD_EXCH_OID_ARC.2.2
subClassOf: container
objectClassCategory: 1
possSuperiors: msExchConfigurationContainer
possSuperiors: container
defaultObjectCategory: CN=ms-Exch-Organization-Container,$S
defaultSecurityDescriptor: $SD_EXCH_DEFAULT_SD
EOF
    _sd_exch_schema_add "CN=ms-Exch-System-Objects-Container,$S" <<EOF || return 1
dn: CN=ms-Exch-System-Objects-Container,$S
objectClass: top
objectClass: classSchema
cn: ms-Exch-System-Objects-Container
lDAPDisplayName: msExchSystemObjectsContainer
governsID: $SD_EXCH_OID_ARC.2.3
subClassOf: container
objectClassCategory: 1
possSuperiors: domainDNS
possSuperiors: organizationalUnit
possSuperiors: container
defaultObjectCategory: CN=ms-Exch-System-Objects-Container,$S
defaultSecurityDescriptor: $SD_EXCH_DEFAULT_SD
EOF
    _sd_exch_schema_refresh || return 1
    # rangeUpper may differ when the attribute already existed
    sd_exch_set_schema_version "$range"
}

sd_exch_add_org() {
    local ver=${1:-$SD_EXCH_SP1_ORG}
    if ! _sd_dn_exists "$SD_EXCH_CONTAINER_DN"; then
        sd_ldapmodify -a <<EOF || return 1
dn: $SD_EXCH_CONTAINER_DN
objectClass: msExchConfigurationContainer
EOF
    fi
    if _sd_dn_exists "$SD_EXCH_ORG_DN"; then
        sd_exch_set_org_version "$ver"
        return
    fi
    sd_ldapmodify -a <<EOF
dn: $SD_EXCH_ORG_DN
objectClass: msExchOrganizationContainer
objectVersion: $ver
EOF
}

sd_exch_add_meso() {
    local ver=${1:-$SD_EXCH_SP1_MESO} parent=${2:-$SD_SAMBA_BASEDN}
    local dn="CN=Microsoft Exchange System Objects,$parent"
    if _sd_dn_exists "$dn"; then
        sd_exch_set_meso_version "$ver" "$dn"
        return
    fi
    sd_ldapmodify -a <<EOF
dn: $dn
objectClass: msExchSystemObjectsContainer
objectVersion: $ver
EOF
}

sd_exch_extend() {
    local schema=${1:-$SD_EXCH_SP1_SCHEMA} org=${2:-$SD_EXCH_SP1_ORG} meso=${3:-$SD_EXCH_SP1_MESO}
    sd_exch_extend_schema "$schema" && sd_exch_add_org "$org" && sd_exch_add_meso "$meso"
}

_sd_replace_int() {
    local dn=$1 attr=$2 val=$3
    sd_ldapmodify <<EOF
dn: $dn
changetype: modify
replace: $attr
$attr: $val
-
EOF
}

sd_exch_set_schema_version() {
    _sd_replace_int "$SD_EXCH_SCHEMA_DN" rangeUpper "${1:?rangeUpper}" && _sd_exch_schema_refresh
}
sd_exch_set_org_version() { _sd_replace_int "$SD_EXCH_ORG_DN" objectVersion "${1:?objectVersion}"; }
sd_exch_set_meso_version() {
    _sd_replace_int "${2:-$SD_EXCH_MESO_DN}" objectVersion "${1:?objectVersion}"
}
sd_exch_set_versions() {
    sd_exch_set_schema_version "${1:?schema}" && sd_exch_set_org_version "${2:?org}" &&
        sd_exch_set_meso_version "${3:?meso}"
}

sd_exch_delete_org() {
    printf 'dn: %s\nchangetype: delete\n' "$SD_EXCH_ORG_DN" | sd_ldapmodify
}
sd_exch_delete_meso() {
    printf 'dn: %s\nchangetype: delete\n' "${1:-$SD_EXCH_MESO_DN}" | sd_ldapmodify
}

sd_exch_get_versions() {
    local s o m
    s=$(sd_ldap_get "$SD_EXCH_SCHEMA_DN" rangeUpper 2>/dev/null)
    o=$(sd_ldap_get "$SD_SAMBA_CONFIGDN" objectVersion sub \
        '(objectCategory=msExchOrganizationContainer)' 2>/dev/null | tr '\n' ' ')
    m=$(sd_ldap_get "$SD_SAMBA_BASEDN" objectVersion sub \
        '(objectCategory=msExchSystemObjectsContainer)' 2>/dev/null | tr '\n' ' ')
    printf 'schema=%s org=%s meso=%s\n' "$s" "${o% }" "${m% }"
}
