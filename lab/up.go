package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/provider/bmc"
)

// tools the lab runs, with the Debian package that brings each.
var tools = map[string]string{
	"ip":                 "iproute2",
	"ipmi_sim":           "openipmi",
	"ipmitool":           "ipmitool",
	"qemu-system-x86_64": "qemu-system-x86",
}

// CheckTools reports every missing program the lab needs.
func CheckTools() error {
	var errs []error
	for tool, pkg := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			errs = append(errs, fmt.Errorf("%w: %s (apt-get install %s, or make setup)", ErrMissingTool, tool, pkg))
		}
	}
	return errors.Join(errs...)
}

// checkFirmware reports a missing OVMF when some host of lay boots UEFI.
func checkFirmware(lay *Layout) error {
	for _, h := range lay.Hosts {
		if h.Firmware == inventory.FirmwareUEFI {
			if _, err := os.Stat(OVMFImage); err != nil {
				return fmt.Errorf("%w: %s for UEFI host %s (apt-get install ovmf, or make setup)", ErrMissingTool, OVMFImage, h.Name)
			}
			return nil
		}
	}
	return nil
}

// Up builds the lab of lay: namespace, bridges, taps, disk images, one
// ipmi_sim per host (VMs stay off until their BMC powers them on) and the
// boot servers. It waits until every BMC answers. On any failure it tears
// down what it started.
func (l *Lab) Up(ctx context.Context, lay *Layout) (err error) {
	if err := CheckTools(); err != nil {
		return err
	}
	if err := checkFirmware(lay); err != nil {
		return err
	}
	if namespaceExists(l.cfg.Namespace) {
		return fmt.Errorf("%w: namespace %s exists (racksmith lab down first)", ErrAlreadyUp, l.cfg.Namespace)
	}
	if !filepath.IsAbs(l.cfg.RunDir) {
		return fmt.Errorf("lab run directory %q must be absolute", l.cfg.RunDir)
	}
	if err := os.MkdirAll(l.cfg.RunDir, 0o700); err != nil {
		return fmt.Errorf("create run directory: %w", err)
	}
	// processes of an earlier lab whose namespace is gone (deleted by hand,
	// or a crash) still hold disk images and pid files: stop them first
	if stale, err := l.Down(ctx, false); err != nil {
		return fmt.Errorf("clear an earlier lab: %w", err)
	} else if len(stale.Processes) > 0 {
		l.log.Warn("stopped processes of an earlier lab", "processes", stale.Processes)
	}
	password, err := ensurePassword(l.cfg.RunDir)
	if err != nil {
		return err
	}
	lay.Namespace = l.cfg.Namespace
	start := time.Now()
	defer func() {
		if err != nil {
			l.log.Warn("lab up failed, tearing down", "error", err)
			if _, derr := l.Down(context.WithoutCancel(ctx), false); derr != nil {
				err = errors.Join(err, fmt.Errorf("tear down: %w", derr))
			}
		}
	}()
	if err := l.buildNetwork(ctx, lay); err != nil {
		return fmt.Errorf("build lab network: %w", err)
	}
	ipPath, _ := exec.LookPath("ip")
	ipmitoolPath, _ := exec.LookPath("ipmitool")
	wrapper := renderIpmitoolWrapper(l.cfg.Namespace, ipPath, ipmitoolPath)
	if err := writeFileAtomic(filepath.Join(l.cfg.RunDir, fileIpmitool), []byte(wrapper), 0o755); err != nil {
		return err
	}
	if err := l.saveLayout(lay); err != nil {
		return err
	}
	for i := range lay.Hosts {
		h := &lay.Hosts[i]
		if err := l.prepareHost(h, password); err != nil {
			return fmt.Errorf("host %s: %w", h.Name, err)
		}
		if h.Unknown {
			continue
		}
		if err := l.startBMC(h); err != nil {
			return fmt.Errorf("host %s: %w", h.Name, err)
		}
	}
	for i := range lay.Hosts {
		if h := &lay.Hosts[i]; !h.Unknown {
			if err := l.waitBMC(ctx, h, password); err != nil {
				return err
			}
		}
	}
	if err := l.startBootServers(ctx, lay); err != nil {
		return err
	}
	l.log.Info("lab up", "namespace", l.cfg.Namespace, "hosts", len(lay.Hosts), "duration", time.Since(start).Round(time.Millisecond))
	return nil
}

// prepareHost writes a host's run directory: sparse disk images (kept when
// they exist, so installed hosts stay installed), the BMC's configuration
// and the chassis program.
func (l *Lab) prepareHost(h *Host, password string) error {
	dir := l.hostDir(h.Name)
	if err := os.MkdirAll(filepath.Join(dir, dirSimState), 0o700); err != nil {
		return err
	}
	for _, d := range h.Disks {
		p := filepath.Join(dir, d.File)
		f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR, 0o600)
		if err != nil {
			return fmt.Errorf("disk image: %w", err)
		}
		st, err := f.Stat()
		if err == nil && st.Size() < d.SizeBytes {
			err = f.Truncate(d.SizeBytes) // sparse
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("disk image %s: %w", p, err)
		}
	}
	files := []hostFile{{fileChassis, renderChassis(h, l.cfg.RunDir, l.cfg.MemoryMiB), 0o700}}
	if !h.Unknown {
		files = append(files,
			hostFile{fileLanConf, renderLanConf(h, l.cfg.RunDir, password), 0o600},
			hostFile{fileEmu, emuCommands, 0o600})
	}
	for _, f := range files {
		if err := writeFileAtomic(filepath.Join(dir, f.name), []byte(f.body), f.mode); err != nil {
			return err
		}
	}
	return nil
}

// hostFile is a file of a host's run directory.
type hostFile struct {
	name, body string
	mode       os.FileMode
}

// startBMC starts h's ipmi_sim in the namespace.
func (l *Lab) startBMC(h *Host) error {
	dir := l.hostDir(h.Name)
	argv := []string{"ipmi_sim", "-n",
		"-c", filepath.Join(dir, fileLanConf),
		"-f", filepath.Join(dir, fileEmu),
		"-s", filepath.Join(dir, dirSimState)}
	pid, err := l.startInNamespace(argv, filepath.Join(dir, fileSimLog), filepath.Join(dir, fileSimPid))
	if err != nil {
		return fmt.Errorf("start bmc: %w", err)
	}
	l.log.Info("bmc started", "host", h.Name, "bmc", h.BMC.String(), "pid", pid)
	return nil
}

// BMC returns a client for h's BMC, speaking ipmitool inside the namespace.
func (l *Lab) BMC(h *Host, password string, timeout time.Duration) *bmc.Client {
	return bmc.New(bmc.Endpoint{
		Address: h.BMC.Addr().String(), Port: int(h.BMC.Port()), Protocol: bmc.ProtocolIPMI,
		Username: h.BMCUser, Password: password,
		Timeout: timeout, Retries: -1,
		IpmitoolPath: filepath.Join(l.cfg.RunDir, fileIpmitool),
	}, l.log)
}

// waitBMC waits until h's BMC answers a power status.
func (l *Lab) waitBMC(ctx context.Context, h *Host, password string) error {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.BMCTimeout)
	defer cancel()
	c := l.BMC(h, password, 2*time.Second)
	for {
		_, err := c.PowerState(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			log, _ := os.ReadFile(filepath.Join(l.hostDir(h.Name), fileSimLog))
			return fmt.Errorf("bmc of %s at %s did not answer within %s: %w (ipmi_sim log: %q)", h.Name, h.BMC, l.cfg.BMCTimeout, err, string(log))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (l *Lab) saveLayout(lay *Layout) error {
	b, err := json.MarshalIndent(lay, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(l.cfg.RunDir, fileLayout), append(b, '\n'), 0o644)
}

// LoadLayout reads the layout of the running lab.
func (l *Lab) LoadLayout() (*Layout, error) {
	b, err := os.ReadFile(filepath.Join(l.cfg.RunDir, fileLayout))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: no %s in %s", ErrNotUp, fileLayout, l.cfg.RunDir)
	}
	if err != nil {
		return nil, err
	}
	var lay Layout
	if err := json.Unmarshal(b, &lay); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(l.cfg.RunDir, fileLayout), err)
	}
	return &lay, nil
}
