package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/racksmith/racksmith/images/agent/diskplan"
	"github.com/racksmith/racksmith/pxe/plan"
)

// BootConfig is what the installed host's initramfs needs to unlock its root
// and come up: it is appended to the installer initramfs as
// /etc/racksmith/boot.json on the host's /boot. It holds the unlock token
// (not the key): the boot server hands out the key to that token only.
type BootConfig struct {
	MAC         string      `json:"mac"`
	Hostname    string      `json:"hostname"`
	Interface   string      `json:"interface,omitempty"`
	Address     string      `json:"address,omitempty"`
	Gateway     string      `json:"gateway,omitempty"`
	KeySource   string      `json:"key_source"`
	UnlockURL   string      `json:"unlock_url,omitempty"`
	UnlockToken string      `json:"unlock_token,omitempty"` // secret
	BootedURL   string      `json:"booted_url,omitempty"`
	Arrays      []BootArray `json:"arrays"`
}

// BootArray is one array to assemble at boot.
type BootArray struct {
	Name    string `json:"name"`
	Device  string `json:"device"`
	UUID    string `json:"uuid"`
	Encrypt bool   `json:"encrypt"`
	FS      string `json:"fs"`
	Mount   string `json:"mount"`
}

// installExtlinux puts the installer kernel and an initramfs carrying the
// boot config on the RAID1 /boot, installs extlinux there (gptmbr.bin is
// already on every disk, the partition marked legacy-bootable) and writes
// the booted-report settings into the root.
func (a *Agent) installExtlinux(ctx context.Context, p *plan.Plan, l *diskplan.Layout, res *plan.Result, ifname string, files *bootFiles) error {
	boot := filepath.Join(a.Target, "boot")
	if !isMounted(boot) {
		return fmt.Errorf("extlinux needs a separate /boot array")
	}
	cfg, js, err := a.bootConfig(p, l, res, ifname)
	if err != nil {
		return err
	}
	if err := writeBootImages(boot, files, js); err != nil {
		return err
	}
	conf := fmt.Sprintf("DEFAULT racksmith\nPROMPT 0\nTIMEOUT 1\nLABEL racksmith\n  LINUX /vmlinuz\n  INITRD /initrd.img\n  APPEND %s\n", a.bootArgs())
	if err := a.writeFile("/boot/extlinux/extlinux.conf", []byte(conf), 0o644); err != nil {
		return err
	}
	if _, err := a.run(ctx, plan.StageBootloader, "extlinux", "--install", filepath.Join(boot, "extlinux")); err != nil {
		return err
	}
	return a.writeBootedEnv(cfg, ifname)
}

// bootConfig is the boot config of the installed host, and its JSON form.
func (a *Agent) bootConfig(p *plan.Plan, l *diskplan.Layout, res *plan.Result, ifname string) (BootConfig, []byte, error) {
	cfg := BootConfig{MAC: a.Cfg.MAC, Hostname: p.Hostname, Interface: ifname, Address: p.Network.Address, Gateway: p.Network.Gateway,
		KeySource: p.Encryption.KeySource, UnlockURL: a.absURL(p.Unlock.URL), UnlockToken: p.Unlock.Token,
		BootedURL: a.Cfg.Server + "/api/v1/agent/booted"}
	if p.Unlock.URL == "" {
		cfg.UnlockURL = a.Cfg.Server + "/api/v1/agent/unlock"
	}
	if cfg.Address == "" {
		cfg.Address = a.Cfg.Address
	}
	for _, ar := range l.Arrays {
		cfg.Arrays = append(cfg.Arrays, BootArray{Name: ar.Name, Device: ar.Device, UUID: res.ArrayUUIDs[ar.Name], Encrypt: ar.Encrypt, FS: ar.FS, Mount: ar.Mount})
		if ar.Encrypt && p.Unlock.Token == "" {
			return cfg, nil, fmt.Errorf("plan has no unlock token for the encrypted root")
		}
	}
	js, err := json.MarshalIndent(cfg, "", "  ")
	return cfg, js, err
}

// bootArgs is the kernel command line of a boot from disk, whatever the
// bootloader.
func (a *Agent) bootArgs() string {
	return fmt.Sprintf("racksmith.mode=boot racksmith.mac=%s console=tty0 console=ttyS0", a.Cfg.MAC)
}

// writeBootImages puts the installer kernel (vmlinuz) and its initramfs with
// the boot config appended as /etc/racksmith/boot.json (initrd.img, 0600
// where the filesystem keeps modes) into dir.
func writeBootImages(dir string, files *bootFiles, js []byte) error {
	if err := files.wait(); err != nil {
		return err
	}
	if err := copyFile(files.kernel, filepath.Join(dir, "vmlinuz")); err != nil {
		return err
	}
	initrd := filepath.Join(dir, "initrd.img")
	if err := copyFile(files.initrd, initrd); err != nil {
		return err
	}
	extra, err := gzipNewc([]cpioFile{
		{Name: "etc", Mode: 0o040755},
		{Name: "etc/racksmith", Mode: 0o040755},
		{Name: "etc/racksmith/boot.json", Mode: 0o100600, Data: js},
	})
	if err != nil {
		return err
	}
	f, err := os.OpenFile(initrd, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(extra); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(initrd, 0o600)
}

// writeBootedEnv writes what the installed OS's init needs to report
// "booted" to the boot server.
func (a *Agent) writeBootedEnv(cfg BootConfig, ifname string) error {
	env := fmt.Sprintf("RACKSMITH_MAC=%q\nRACKSMITH_IFACE=%q\nRACKSMITH_BOOTED_URL=%q\nRACKSMITH_UNLOCK_TOKEN=%q\n", cfg.MAC, ifname, cfg.BootedURL, cfg.UnlockToken)
	return a.writeFile("/etc/racksmith/booted.env", []byte(env), 0o600)
}

// bootFiles are the installer kernel and initramfs, fetched into RAM while
// the disks are being prepared (they go onto the host's /boot).
type bootFiles struct {
	done           chan struct{}
	err            error
	kernel, initrd string
}

// prefetchBootFiles starts downloading the installer's kernel and initrd.
func (a *Agent) prefetchBootFiles(ctx context.Context) *bootFiles {
	b := &bootFiles{done: make(chan struct{}), kernel: os.TempDir() + "/racksmith-vmlinuz", initrd: os.TempDir() + "/racksmith-initrd.img"}
	go func() {
		defer close(b.done)
		if _, _, err := a.download(ctx, a.Cfg.Server+"/files/vmlinuz", b.kernel); err != nil {
			b.err = err
			return
		}
		_, _, b.err = a.download(ctx, a.Cfg.Server+"/files/initrd.img", b.initrd)
	}()
	return b
}

func (b *bootFiles) wait() error {
	<-b.done
	return b.err
}

func (b *bootFiles) remove() {
	<-b.done
	os.Remove(b.kernel)
	os.Remove(b.initrd)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", dst, err)
	}
	return out.Close()
}
