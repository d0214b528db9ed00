package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
	"github.com/spf13/cobra"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/plan"
)

// regFactsSource finds what a host reported when it booted into discovery,
// by the MAC it booted from, with the site whose boot server saw it ("" when
// not known). Safe to repeat: it only reads.
type regFactsSource interface {
	FactsByMAC(ctx context.Context, mac string) (*plan.Facts, string, error)
}

// regFactsFile reads facts from a saved discovery report: the JSON
// `racksmith discovered --json` prints (a list of hosts), or one element
// of that list. Unknown keys are refused.
type regFactsFile struct{ path string }

var _ regFactsSource = (*regFactsFile)(nil)

// errNoFacts means no discovery report matches the MAC.
var errNoFacts = errors.New("no discovery facts for this MAC")

func (f *regFactsFile) FactsByMAC(_ context.Context, mac string) (*plan.Facts, string, error) {
	want, err := inventory.NormalizeMAC(mac)
	if err != nil {
		return nil, "", fmt.Errorf("--from-discovery: %w", err)
	}
	list, err := regReadReport(f.path)
	if err != nil {
		return nil, "", err
	}
	for _, h := range list {
		if got, err := inventory.NormalizeMAC(h.MAC); err == nil && got == want {
			return &plan.Facts{MAC: h.MAC, Serial: h.Serial, Vendor: h.Vendor, Product: h.Product,
				NICs: h.NICs, Disks: h.Disks, Time: h.Reported}, h.Site, nil
		}
	}
	return nil, "", fmt.Errorf("%w: %s in %s", errNoFacts, want, f.path)
}

// regReadReport reads a discovery report (list or one host) from path.
func regReadReport(path string) ([]discoveredHost, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--facts-file: %w", err)
	}
	b = bytes.TrimSpace(b)
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var list []discoveredHost
	if len(b) > 0 && b[0] == '[' {
		err = dec.Decode(&list)
	} else {
		var one discoveredHost
		err = dec.Decode(&one)
		list = []discoveredHost{one}
	}
	if err == nil && dec.More() {
		err = errors.New("data after the report")
	}
	if err != nil {
		return nil, fmt.Errorf("--facts-file %s: want what `racksmith discovered --json` prints (a list of hosts) or one of its elements: %s",
			path, strings.TrimPrefix(err.Error(), "json: "))
	}
	return list, nil
}

// regHostFacts converts the boot server's facts to the inventory's own type.
func regHostFacts(f *plan.Facts) inventory.HostFacts {
	h := inventory.HostFacts{MAC: f.MAC, Serial: f.Serial, Vendor: f.Vendor, Product: f.Product}
	for _, n := range f.NICs {
		h.NICs = append(h.NICs, inventory.NICFacts{Name: n.Name, MAC: n.MAC})
	}
	for _, d := range f.Disks {
		h.Disks = append(h.Disks, inventory.DiskFacts{Path: d.Path, Serial: d.Serial, SizeBytes: d.SizeBytes})
	}
	return h
}

type regFlags struct {
	stack, stacksDir         string
	reg                      inventory.Registration
	macs, psus, disks, roles []string
	fromDiscovery, factsFile string
	discovery                discoveryFlags
	dryRun                   bool
	// u, height, raid are --u, --height, --raid as given (checked by
	// regCheckFlags); when empty, reg's fields stand.
	u, height, raid string
}

func init() {
	var f regFlags
	cmd := &cobra.Command{
		Use:   "register --stack NAME --name NAME [flags]",
		Short: "Add or update a server in a stack's inventory",
		Long: "Adds the server to STACKS-DIR/NAME/servers.hcl, or updates it in the file that declares it,\n" +
			"keeping the comments and layout of the rest of the file. Refuses, writing nothing, when the\n" +
			"rack units, an outlet, a MAC, the serial or the BMC address belong to another server, or when\n" +
			"the result would not validate. Running it again with the same data changes nothing.\n" +
			"A new server's address, BMC credential, image and encryption come from a server of the same\n" +
			"site unless given. --from-discovery MAC takes MACs, serial and disks from what the host\n" +
			"reported when it PXE-booted into discovery: from the boot servers of the inventory's sites\n" +
			"(or --boot-url; API token from --api-token-file or $" + envAPIToken + "), or from --facts-file.\n" +
			"The site is then the one whose boot server saw the host.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runRegister(cmd.Context(), cmd.OutOrStdout(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.stack, "stack", "", "stack name: its inventory is STACKS-DIR/NAME (required)")
	fl.StringVar(&f.stacksDir, "stacks-dir", "stacks", "folder holding one inventory folder per stack")
	fl.StringVar(&f.reg.Name, "name", "", "server name (required)")
	fl.StringVar(&f.reg.Site, "site", "", "site")
	fl.StringVar(&f.reg.Rack, "rack", "", "rack")
	fl.StringVar(&f.u, "u", "", "lowest rack unit the server occupies (≥ 1)")
	fl.StringVar(&f.height, "height", "", "height in U (new servers: 1)")
	fl.StringVar(&f.reg.Serial, "serial", "", "chassis serial number")
	fl.StringVar(&f.reg.Model, "model", "", "model")
	fl.StringArrayVar(&f.macs, "mac", nil, "NIC MAC, any common spelling; repeatable, the first is the provisioning NIC")
	fl.StringVar(&f.reg.BMC, "bmc", "", "BMC address")
	fl.StringVar(&f.reg.BMCCredential, "bmc-credential", "", "name of the credential block for the BMC")
	fl.StringArrayVar(&f.psus, "psu", nil, fmt.Sprintf("PDU:OUTLET[:WATTS] (default %d W); repeatable", inventory.DefaultPSUWatts))
	fl.StringArrayVar(&f.roles, "role", nil, "role the server carries; repeatable")
	fl.StringArrayVar(&f.disks, "disk", nil, "NAME:SERIAL:SIZE, e.g. d0:S6ABC:3.84TB; repeatable")
	fl.StringVar(&f.reg.Address, "address", "", "CIDR on the site's provisioning network (default: next free)")
	fl.StringVar(&f.reg.Image, "image", "", "OS image")
	fl.StringVar(&f.raid, "raid", "", "RAID level: 1, 5, 6 or 10 (default: from the disk count)")
	fl.StringVar(&f.fromDiscovery, "from-discovery", "", "take MACs, serial and disks from the discovery report of this MAC")
	fl.StringVar(&f.factsFile, "facts-file", "", "saved discovery report for --from-discovery instead of asking the boot servers: the JSON that "+
		"'racksmith discovered --json' prints (a list of hosts: mac, serial, nics, disks, site, …) or one host of it; unknown keys are refused")
	f.discovery.add(cmd)
	fl.BoolVar(&f.dryRun, "dry-run", false, "show the change as a unified diff; write nothing")
	_ = cmd.MarkFlagRequired("stack")
	_ = cmd.MarkFlagRequired("name")
	rootCmd.AddCommand(cmd)
}

func runRegister(ctx context.Context, out io.Writer, f regFlags) error {
	reg := f.reg
	if err := regCheckFlags(&reg, f); err != nil {
		return err
	}
	for i, m := range f.macs {
		reg.NICs = append(reg.NICs, inventory.RegNIC{Name: fmt.Sprintf("eth%d", i), MAC: m})
	}
	for _, p := range f.psus {
		psu, err := regParsePSU(p)
		if err != nil {
			return err
		}
		reg.PSUs = append(reg.PSUs, psu)
	}
	for _, d := range f.disks {
		disk, err := regParseDisk(d)
		if err != nil {
			return err
		}
		reg.Disks = append(reg.Disks, disk)
	}
	if f.roles != nil {
		reg.Roles = f.roles
	}
	dir := filepath.Join(f.stacksDir, f.stack)
	if f.fromDiscovery != "" {
		src, err := regDiscoverySource(dir, reg.Site, f)
		if err != nil {
			return err
		}
		facts, site, err := src.FactsByMAC(ctx, f.fromDiscovery)
		if err != nil {
			return err
		}
		if site != "" {
			if reg.Site != "" && reg.Site != site {
				return fmt.Errorf("--site %s, but the host was discovered by the boot server of site %s", reg.Site, site)
			}
			reg.Site = site
		}
		if err := reg.ApplyFacts(regHostFacts(facts)); err != nil {
			return err
		}
	}

	res, err := inventory.Register(dir, reg)
	if err != nil {
		return err
	}
	switch {
	case !res.Changed:
		fmt.Fprintf(out, "No changes: %s already says this about server %s.\n", res.File, reg.Name)
	case f.dryRun:
		diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A: difflib.SplitLines(string(res.Old)), B: difflib.SplitLines(string(res.New)),
			FromFile: res.File, ToFile: res.File, Context: 3,
		})
		if err != nil {
			return fmt.Errorf("diff: %w", err)
		}
		fmt.Fprint(out, diff)
	default:
		if err := res.Write(); err != nil {
			return err
		}
		verb := "Updated"
		if res.Created {
			verb = "Registered"
		}
		fmt.Fprintf(out, "%s server %s in %s.\n", verb, reg.Name, res.File)
	}
	return nil
}

// regDiscoverySource is --facts-file when given, else the boot servers of
// the inventory's sites (only site's when given) or --boot-url.
func regDiscoverySource(dir, site string, f regFlags) (regFactsSource, error) {
	if f.factsFile != "" {
		return &regFactsFile{path: f.factsFile}, nil
	}
	df := f.discovery
	df.site = site
	servers, err := discoveryServers(dir, df)
	if err != nil {
		return nil, err
	}
	token, err := discoveryToken(df.tokenFile)
	if err != nil {
		return nil, err
	}
	return &bootServerFacts{servers: servers, token: token}, nil
}

// regCheckFlags checks the flag values Register would otherwise refuse in
// its own terms, each error naming the flag and what it wants, and sets
// reg's numbers from --u, --height and --raid.
func regCheckFlags(reg *inventory.Registration, f regFlags) error {
	for _, n := range []struct {
		flag, val, want string
		dst             *int
		ok              func(int) bool
	}{
		{"--u", f.u, "a rack unit number ≥ 1", &reg.U, func(n int) bool { return n >= 1 }},
		{"--height", f.height, "a height in rack units ≥ 1", &reg.Height, func(n int) bool { return n >= 1 }},
		{"--raid", f.raid, "a RAID level: 1, 5, 6 or 10", &reg.RAIDLevel, func(n int) bool { return slices.Contains([]int{1, 5, 6, 10}, n) }},
	} {
		if n.val == "" {
			continue
		}
		v, err := strconv.Atoi(n.val)
		if err != nil || !n.ok(v) {
			return fmt.Errorf("%s %q: want %s", n.flag, n.val, n.want)
		}
		*n.dst = v
	}
	if reg.BMC != "" {
		if _, err := netip.ParseAddr(reg.BMC); err != nil {
			return fmt.Errorf("--bmc %q: not an IPv4 or IPv6 address", reg.BMC)
		}
	}
	if reg.Address != "" {
		if _, err := netip.ParsePrefix(reg.Address); err != nil {
			return fmt.Errorf("--address %q: want an address with its prefix length on the site's provisioning network, e.g. 10.11.0.23/24", reg.Address)
		}
	}
	for _, m := range f.macs {
		if _, err := inventory.NormalizeMAC(m); err != nil {
			return fmt.Errorf("--mac: %w", err)
		}
	}
	if f.fromDiscovery != "" {
		if _, err := inventory.NormalizeMAC(f.fromDiscovery); err != nil {
			return fmt.Errorf("--from-discovery: %w", err)
		}
	}
	return nil
}

func regParsePSU(s string) (inventory.RegPSU, error) {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" {
		return inventory.RegPSU{}, fmt.Errorf("--psu %q: want PDU:OUTLET[:WATTS]", s)
	}
	outlet, err := strconv.Atoi(parts[1])
	if err != nil || outlet < 1 {
		return inventory.RegPSU{}, fmt.Errorf("--psu %q: outlet %q: want an outlet number ≥ 1", s, parts[1])
	}
	p := inventory.RegPSU{PDU: parts[0], Outlet: outlet}
	if len(parts) == 3 {
		if p.Watts, err = strconv.Atoi(parts[2]); err != nil || p.Watts <= 0 {
			return inventory.RegPSU{}, fmt.Errorf("--psu %q: watts %q: want a number of watts ≥ 1", s, parts[2])
		}
	}
	return p, nil
}

func regParseDisk(s string) (inventory.RegDisk, error) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 || parts[0] == "" {
		return inventory.RegDisk{}, fmt.Errorf("--disk %q: want NAME:SERIAL:SIZE (SERIAL may be empty)", s)
	}
	size, err := inventory.ParseSize(parts[2])
	if err != nil {
		return inventory.RegDisk{}, fmt.Errorf("--disk %q: size %q: want a number and a unit (B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), e.g. 512MiB or 3.84TB", s, parts[2])
	}
	return inventory.RegDisk{Name: parts[0], Serial: parts[1], SizeBytes: size}, nil
}
