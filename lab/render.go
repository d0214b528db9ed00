package lab

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/racksmith/racksmith/inventory"
)

// Files of a host's run directory.
const (
	fileLanConf   = "lan.conf"
	fileEmu       = "cmds.emu"
	fileChassis   = "chassis"
	fileQEMUPid   = "qemu.pid"
	fileQEMUDying = "qemu.dying" // pid of a VM powered off but not gone yet
	fileSimPid    = "ipmi_sim.pid"
	fileSimLog    = "ipmi_sim.log"
	fileConsole   = "console.log"
	fileBootDev   = "bootdev"
	dirSimState   = "bmc-state"
	fileLayout    = "layout.json"
	filePassword  = "bmc-password"
	fileIpmitool  = "ipmitool-netns"
	bootServerDir = "boot-"
)

// OVMFImage is the UEFI firmware of hosts with firmware = "uefi" (Debian
// ovmf), one image for -bios.
const OVMFImage = "/usr/share/ovmf/OVMF.fd"

// renderLanConf is ipmi_sim's configuration of h's BMC: one MC with one LAN
// channel on the BMC address, the chassis_control program that owns the
// VM, and the admin user with the lab's BMC password, which this file
// holds as a real BMC holds its users.
func renderLanConf(h *Host, runDir, password string) string {
	sum := sha256.Sum256([]byte("racksmith-lab-bmc/" + h.Name))
	var b strings.Builder
	fmt.Fprintf(&b, "# Lab BMC of %s, written by racksmith lab. Holds the BMC password.\n", h.Name)
	fmt.Fprintf(&b, "name %q\n", h.Name)
	b.WriteString("set_working_mc 0x20\n")
	b.WriteString("  startlan 1\n")
	fmt.Fprintf(&b, "    addr %s %d\n", h.BMC.Addr(), h.BMC.Port())
	b.WriteString("    priv_limit admin\n")
	for _, who := range []string{"callback", "user", "operator", "admin"} {
		fmt.Fprintf(&b, "    allowed_auths_%s md5\n", who)
	}
	fmt.Fprintf(&b, "    guid %s\n", hex.EncodeToString(sum[:16]))
	b.WriteString("  endlan\n")
	fmt.Fprintf(&b, "  chassis_control %q\n", filepath.Join(runDir, h.Name, fileChassis))
	fmt.Fprintf(&b, "  user 2 true %q %q admin 10 md5\n", h.BMCUser, password)
	return b.String()
}

// emuCommands sets up the simulated BMC itself (ipmi_sim -f).
const emuCommands = `mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
`

// qemuArgs is the VM of h without its boot order: TCG, the inventory's MAC
// on virtio-net on the host's tap, the inventory's disks with their serials,
// the SMBIOS serial, and the serial console appended to a log file. There
// is no -no-reboot: an installed host reboots into its disk inside the same
// QEMU, and `-boot once=n` only applies to the first boot.
//
// A UEFI host runs OVMF, which ignores -boot: its NIC comes first in the
// boot order (bootindex) at every boot, then its disks. The boot server
// decides, as for SeaBIOS's "network once": an installed host gets the
// local script, whose `exit 1` hands back to OVMF, which boots the first disk's
// ESP (every disk has one).
func qemuArgs(h *Host, runDir string, memMiB int) []string {
	dir := filepath.Join(runDir, h.Name)
	uefi := h.Firmware == inventory.FirmwareUEFI
	bootIndex := func(i int) string {
		if !uefi {
			return ""
		}
		return ",bootindex=" + strconv.Itoa(i)
	}
	args := []string{
		"-name", "guest=" + h.Name,
		"-accel", "tcg", "-cpu", "max", "-smp", "1", "-m", strconv.Itoa(memMiB),
		"-display", "none", "-monitor", "none",
		"-smbios", "type=1,manufacturer=racksmith-lab,product=QEMU,serial=" + h.Serial,
		"-netdev", "tap,id=n0,ifname=" + h.Tap + ",script=no,downscript=no",
		"-device", "virtio-net-pci,netdev=n0,mac=" + h.MAC + bootIndex(1),
	}
	if uefi {
		// IPv4 PXE only: the lab's boot servers speak DHCPv4, and OVMF
		// would wait out DHCPv6 on every boot before trying the disks
		args = append(args, "-bios", OVMFImage, "-fw_cfg", "name=opt/org.tianocore/IPv6PXESupport,string=n")
	}
	for i, d := range h.Disks {
		id := "d" + strconv.Itoa(i)
		args = append(args,
			"-drive", "file="+filepath.Join(dir, d.File)+",format=raw,if=none,id="+id,
			"-device", "virtio-blk-pci,drive="+id+",serial="+d.Serial+bootIndex(i+2))
	}
	args = append(args,
		"-chardev", "file,id=console,path="+filepath.Join(dir, fileConsole)+",append=on",
		"-serial", "chardev:console")
	return args
}

// renderChassis is the chassis_control program of h's BMC. ipmi_sim runs
// it as `chassis get|set power|boot|reset [VALUE]` and waits for it, so it
// answers fast: QEMU daemonizes (~0.2 s) and a stop waits at most ~0.5 s
// before SIGKILL. The VM is found by its pid file and its command line.
func renderChassis(h *Host, runDir string, memMiB int) string {
	dir := filepath.Join(runDir, h.Name)
	var qa []string // one option and its value per line
	args := qemuArgs(h, runDir, memMiB)
	for i := 0; i < len(args); i++ {
		line := shellQuote(args[i])
		if i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			line += " " + shellQuote(args[i+1])
			i++
		}
		qa = append(qa, line)
	}
	return fmt.Sprintf(`#!/bin/sh
# chassis_control program of the lab BMC of %[1]s, written by racksmith lab.
# ipmi_sim runs it as: chassis get|set power|boot|reset [VALUE]
dir=%[2]s
pidfile="$dir/%[3]s"
running() {
	[ -s "$pidfile" ] || return 1
	pid=$(cat "$pidfile")
	[ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$pidfile"
}
start() {
	# a VM still dying from the last power off holds the tap and the disks
	if [ -s "$dir/%[6]s" ]; then
		old=$(cat "$dir/%[6]s")
		i=0
		while [ -d "/proc/$old" ] && [ "$i" -lt 60 ]; do sleep 0.05; i=$((i + 1)); done
		rm -f "$dir/%[6]s"
	fi
	boot=order=c
	if [ "$(cat "$dir/%[4]s" 2>/dev/null)" = pxe ]; then
		boot=once=n,order=c # network once; the reboots that follow boot the disk
		rm -f "$dir/%[4]s"
	fi
	qemu-system-x86_64 \
		%[5]s \
		-boot "$boot" -daemonize -pidfile "$pidfile" >>"$dir/qemu.log" 2>&1
}
stop() {
	# a hard power off: QEMU's SIGTERM exit takes over a second under TCG,
	# longer than ipmi_sim waits, so the VM gets 0.5 s, then SIGKILL
	running || return 0
	kill "$pid" 2>/dev/null
	i=0
	while [ -d "/proc/$pid" ] && [ "$i" -lt 10 ]; do sleep 0.05; i=$((i + 1)); done
	if [ -d "/proc/$pid" ]; then
		kill -9 "$pid" 2>/dev/null
		echo "$pid" >"$dir/%[6]s"
	fi
	rm -f "$pidfile"
}
echo "$(date -u +%%Y-%%m-%%dT%%H:%%M:%%SZ) $*" >>"$dir/chassis.log"
case "$1 $2" in
"get power") if running; then echo power:1; else echo power:0; fi ;;
"get boot") echo "boot:$(cat "$dir/%[4]s" 2>/dev/null || echo default)" ;;
"set boot") echo "$3" >"$dir/%[4]s" ;;
"set power") if [ "$3" = 1 ]; then running || start; else stop; fi ;;
"set reset") stop; start ;;
esac
exit 0
`, h.Name, shellQuote(dir), fileQEMUPid, fileBootDev, strings.Join(qa, " \\\n\t\t"), fileQEMUDying)
}

// shellQuote quotes s for sh when it holds anything but safe characters.
func shellQuote(s string) string {
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=,:+@%", r)) {
			safe = false
			break
		}
	}
	if safe && s != "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// renderIpmitoolWrapper runs ipmitool inside the lab's namespace, where
// the BMC addresses live; the password stays in the environment. bmclib
// runs it with no PATH, so both programs are named by absolute path.
func renderIpmitoolWrapper(namespace, ipPath, ipmitoolPath string) string {
	return fmt.Sprintf("#!/bin/sh\n# ipmitool inside the lab namespace, written by racksmith lab.\nexec %s netns exec %s %s \"$@\"\n",
		shellQuote(ipPath), shellQuote(namespace), shellQuote(ipmitoolPath))
}
