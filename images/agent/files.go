package agent

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/racksmith/racksmith/images/agent/diskplan"
	"github.com/racksmith/racksmith/pxe/plan"
)

// checkFile verifies a plan file before anything is written.
func checkFile(f plan.File) error {
	if !path.IsAbs(f.Path) || path.Clean(f.Path) != f.Path || f.Path == "/" {
		return fmt.Errorf("%w: file %q must be an absolute clean path", ErrUnsafePath, f.Path)
	}
	sum := sha256.Sum256(f.Content)
	if got := hex.EncodeToString(sum[:]); !strings.EqualFold(got, f.SHA256) {
		return fmt.Errorf("%w: file %s: content has %s, plan says %q", ErrChecksum, f.Path, got, f.SHA256)
	}
	return nil
}

// writeFiles writes the plan's role files under Target and returns the
// sha256 of each file as read back from the installed filesystem.
func (a *Agent) writeFiles(files []plan.File) (map[string]string, error) {
	sums := make(map[string]string, len(files))
	for _, f := range files {
		if err := checkFile(f); err != nil {
			return nil, err
		}
		if err := a.writeFile(f.Path, f.Content, fileMode(f)); err != nil {
			return nil, err
		}
		b, err := os.ReadFile(filepath.Join(a.Target, f.Path))
		if err != nil {
			return nil, fmt.Errorf("read back %s: %w", f.Path, err)
		}
		sum := sha256.Sum256(b)
		sums[f.Path] = hex.EncodeToString(sum[:])
	}
	return sums, nil
}

// writeFile writes one file below Target atomically (temp file + rename),
// refusing to follow a symlink out of the root.
func (a *Agent) writeFile(p string, content []byte, mode fs.FileMode) error {
	dst := filepath.Join(a.Target, p)
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if real, err := filepath.EvalSymlinks(dir); err != nil || !strings.HasPrefix(real+"/", filepath.Clean(a.Target)+"/") {
		return fmt.Errorf("%w: %s resolves outside the installed root", ErrUnsafePath, p)
	}
	tmp := dst + ".racksmith-tmp"
	if err := os.WriteFile(tmp, content, mode); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

// writeIdentity writes the host's name, network, fstab, mdadm.conf and crypttab.
func (a *Agent) writeIdentity(p *plan.Plan, l *diskplan.Layout, res *plan.Result, ifname string) error {
	iface := p.Network.Interface
	if iface == "" {
		iface = ifname
	}
	hosts, err := hostsFile(p.Hostname, p.Network.Address)
	if err != nil {
		return err
	}
	var ifaces strings.Builder
	ifaces.WriteString("auto lo\niface lo inet loopback\n")
	if p.Network.Address != "" {
		fmt.Fprintf(&ifaces, "\nauto %s\niface %s inet static\n\taddress %s\n", iface, iface, p.Network.Address)
		if p.Network.Gateway != "" {
			fmt.Fprintf(&ifaces, "\tgateway %s\n", p.Network.Gateway)
		}
	} else {
		fmt.Fprintf(&ifaces, "\nauto %s\niface %s inet dhcp\n", iface, iface)
	}
	var fstab, mdconf, crypttab strings.Builder
	for _, ar := range l.MountOrder() {
		pass := 2
		if ar.Mount == "/" {
			pass = 1
		}
		fmt.Fprintf(&fstab, "%s\t%s\t%s\tdefaults\t0\t%d\n", ar.FSDevice, ar.Mount, ar.FS, pass)
	}
	for _, ar := range l.Arrays {
		fmt.Fprintf(&mdconf, "ARRAY %s metadata=%s UUID=%s name=%s\n", ar.Device, ar.Metadata, res.ArrayUUIDs[ar.Name], ar.Name)
		if ar.Encrypt {
			fmt.Fprintf(&crypttab, "%s\tUUID=%s\tnone\tluks\n", ar.Name, res.LUKSUUID)
		}
	}
	var resolv strings.Builder
	for _, d := range p.Network.DNS {
		fmt.Fprintf(&resolv, "nameserver %s\n", d)
	}
	for _, f := range []struct {
		path, content string
	}{
		{"/etc/hostname", p.Hostname + "\n"},
		{"/etc/hosts", hosts},
		{"/etc/network/interfaces", ifaces.String()},
		{"/etc/resolv.conf", resolv.String()},
		{"/etc/fstab", fstab.String()},
		{"/etc/mdadm/mdadm.conf", mdconf.String()},
		{"/etc/crypttab", crypttab.String()},
	} {
		if err := a.writeFile(f.path, []byte(f.content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// hostsFile is the host's /etc/hosts: localhost and its own name on its
// provisioning address (when it has a static one).
func hostsFile(hostname, address string) (string, error) {
	var hosts strings.Builder
	hosts.WriteString("127.0.0.1\tlocalhost\n")
	if address != "" {
		pfx, err := netip.ParsePrefix(address)
		if err != nil {
			return "", fmt.Errorf("network address %q: %w", address, err)
		}
		fmt.Fprintf(&hosts, "%s\t%s\n", pfx.Addr(), hostname)
	}
	return hosts.String(), nil
}

// fileMode is the mode a plan file is written with (0644 when it names none).
func fileMode(f plan.File) fs.FileMode {
	if mode := fs.FileMode(f.Mode & 0o7777); mode != 0 {
		return mode
	}
	return 0o644
}
