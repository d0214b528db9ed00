// Package lab is racksmith's virtual datacenter: a network namespace with
// one bridge per site and a BMC bridge, one QEMU VM per inventory server on
// a tap of its site's bridge, one OpenIPMI ipmi_sim BMC per server whose
// chassis_control program starts and stops that VM, and each site's boot
// server. Everything it starts it records in pid files under the run
// directory and stops by pid on Down, also after a crash.
//
// Planning (inventory -> Layout, Layout -> config files and QEMU command
// lines) is pure and covered by golden files; up.go, down.go and status.go
// perform the side effects.
package lab

import (
	"log/slog"
	"net/netip"
	"path/filepath"
	"time"
)

// Defaults of a Config.
const (
	DefaultNamespace = "racksmith-lab"
	BMCBridge        = "rs-bmc"
	DefaultMemoryMiB = 512
)

// DefaultBMCGateway is the address of the BMC bridge itself; Plan puts
// every BMC address in its network.
var DefaultBMCGateway = netip.MustParsePrefix("10.99.0.1/24")

// Config says where the lab runs. Zero fields take the defaults.
type Config struct {
	Namespace string // network namespace, default racksmith-lab
	RunDir    string // absolute; pid files, disks, logs, configs
	MemoryMiB int    // per VM, default 512

	// BootServer starts each site's boot server; nil starts none.
	BootServer *BootServerConfig

	// BMCTimeout bounds waiting for a freshly started BMC to answer.
	BMCTimeout time.Duration
}

// BootServerConfig is how the lab runs `racksmith pxe serve` per site.
type BootServerConfig struct {
	Binary string   // racksmith binary, e.g. bin/racksmith
	Stack  string   // --stack value
	Extra  []string // more arguments, appended
}

func (c Config) withDefaults() Config {
	if c.Namespace == "" {
		c.Namespace = DefaultNamespace
	}
	if c.MemoryMiB == 0 {
		c.MemoryMiB = DefaultMemoryMiB
	}
	if c.BMCTimeout == 0 {
		c.BMCTimeout = 15 * time.Second
	}
	return c
}

// Lab drives one lab: a namespace and its run directory.
type Lab struct {
	cfg Config
	log *slog.Logger
}

// New returns a Lab for cfg, logging to log.
func New(cfg Config, log *slog.Logger) *Lab {
	if log == nil {
		log = slog.Default()
	}
	return &Lab{cfg: cfg.withDefaults(), log: log}
}

// Namespace is the lab's network namespace.
func (l *Lab) Namespace() string { return l.cfg.Namespace }

// RunDir is the lab's run directory.
func (l *Lab) RunDir() string { return l.cfg.RunDir }

func (l *Lab) hostDir(name string) string { return filepath.Join(l.cfg.RunDir, name) }
