package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/client"
	"github.com/racksmith/racksmith/pxe/dhcp"
	"github.com/racksmith/racksmith/pxe/server"
)

// pxeServeFlags are the flags of `racksmith pxe serve`.
type pxeServeFlags struct {
	stack, site, iface   string
	listenHTTP, tftpRoot string
	uefiBinary           string
	files, state         string
	apiTokenFile         string
	discovery, ra, proxy bool
	logLevel             string
	kernel, initrd       string
	kernelArgs           []string
	config               string
}

func init() {
	var f pxeServeFlags
	pxeCmd := &cobra.Command{Use: "pxe", Short: "The boot server (DHCP, TFTP, HTTP)"}
	serve := &cobra.Command{
		Use:   "serve",
		Short: "Serve PXE for one site of a stack: DHCP, TFTP, iPXE scripts, installer files and the provisioning API",
		Long: `Serve PXE for one site of a stack until SIGTERM or SIGINT.

The API token is read from $RACKSMITH_API_TOKEN, else from --api-token-file
(created with a random token, mode 0600, when it does not exist). The state
file keeps hosts, hashed tokens and LUKS keys sealed with a key kept in
STATE.seal (0600).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := pxeMergeConfig(cmd.Flags(), &f); err != nil {
				return &exitError{code: 1, err: err}
			}
			return runPXEServe(cmd.Context(), f)
		},
	}
	fl := serve.Flags()
	fl.StringVar(&f.stack, "stack", "", "stack name (folder stacks/NAME) or path of an inventory folder")
	fl.StringVar(&f.site, "site", "", "site to serve (its provisioning network and boot URL)")
	fl.StringVar(&f.iface, "interface", "", "provisioning interface for DHCP, TFTP and router advertisements")
	fl.StringVar(&f.listenHTTP, "listen-http", "", "HTTP listen address (default: host and port of the site's boot URL)")
	fl.StringVar(&f.tftpRoot, "tftp-root", "/usr/lib/ipxe", "directory of the iPXE boot programs served over TFTP")
	fl.StringVar(&f.uefiBinary, "uefi-binary", dhcp.DefaultUEFIFile, "iPXE binary of --tftp-root for UEFI firmware, over TFTP and for UEFI HTTP boot under /boot-files/: ipxe.efi or snponly.efi")
	fl.StringVar(&f.files, "files", "images/.build", "directory served under /files/ (installer kernel, initrd, OS images)")
	fl.StringVar(&f.state, "state", "", "state file (default /var/lib/racksmith/pxe-STACK-SITE.db)")
	fl.StringVar(&f.apiTokenFile, "api-token-file", "", "provisioning API token file (default STATE.api-token)")
	fl.BoolVar(&f.discovery, "discovery", false, "boot unknown MACs into the installer's discovery mode")
	fl.BoolVar(&f.ra, "ra", false, "send IPv6 router advertisements (saves iPXE's ~15 s IPv6 wait)")
	fl.BoolVar(&f.proxy, "proxy-dhcp", false, "proxyDHCP beside an existing DHCP server (boot options only)")
	fl.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fl.StringVar(&f.kernel, "kernel", "vmlinuz", "installer kernel, relative to --files")
	fl.StringVar(&f.initrd, "initrd", "initrd.img", "installer initrd, relative to --files")
	fl.StringSliceVar(&f.kernelArgs, "kernel-arg", nil, "extra argument for the installer's kernel command line (repeatable)")
	fl.StringVar(&f.config, "config", "", "JSON configuration file with these settings in snake case; flags override it")
	pxeCmd.AddCommand(serve)
	rootCmd.AddCommand(pxeCmd)
}

// pxeMergeConfig fills the flags not given on the command line from
// --config, and checks the required ones.
func pxeMergeConfig(fl *pflag.FlagSet, f *pxeServeFlags) error {
	if f.config != "" {
		c, err := server.LoadFile(f.config)
		if err != nil {
			return err
		}
		set := func(name string, dst *string, v string) {
			if !fl.Changed(name) && v != "" {
				*dst = v
			}
		}
		set("stack", &f.stack, c.Stack)
		set("site", &f.site, c.Site)
		set("interface", &f.iface, c.Interface)
		set("listen-http", &f.listenHTTP, c.ListenHTTP)
		set("tftp-root", &f.tftpRoot, c.TFTPRoot)
		set("uefi-binary", &f.uefiBinary, c.UEFIBinary)
		set("files", &f.files, c.Files)
		set("state", &f.state, c.State)
		set("api-token-file", &f.apiTokenFile, c.APITokenFile)
		set("log-level", &f.logLevel, c.LogLevel)
		set("kernel", &f.kernel, c.Kernel)
		set("initrd", &f.initrd, c.Initrd)
		for name, v := range map[string]struct {
			dst *bool
			val bool
		}{"discovery": {&f.discovery, c.Discovery}, "ra": {&f.ra, c.RA}, "proxy-dhcp": {&f.proxy, c.ProxyDHCP}} {
			if !fl.Changed(name) {
				*v.dst = v.val
			}
		}
		if !fl.Changed("kernel-arg") {
			f.kernelArgs = c.KernelArgs
		}
	}
	if f.stack == "" || f.site == "" {
		return fmt.Errorf("--stack and --site are required (or a --config file naming them)")
	}
	return nil
}

func runPXEServe(ctx context.Context, f pxeServeFlags) error {
	// Everything the command line and the inventory say is checked first:
	// bad input is an error naming its flag, with nothing written.
	lvl, err := pxeCheckFlags(f)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	log := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: lvl})).
		With("stack", f.stack, "site", f.site)

	inv, site, err := pxeLoadSite(f.stack, f.site)
	if err != nil {
		return err
	}
	if f.state == "" {
		f.state = filepath.Join("/var/lib/racksmith", fmt.Sprintf("pxe-%s-%s.db", filepath.Base(f.stack), f.site))
	}
	if fi, err := os.Stat(f.state); err == nil && fi.IsDir() {
		return &exitError{code: 1, err: fmt.Errorf("--state %q is a folder, not a state file", f.state)}
	}
	if f.apiTokenFile == "" {
		f.apiTokenFile = f.state + ".api-token"
	}
	if f.listenHTTP == "" {
		if f.listenHTTP, err = server.ListenFromBootURL(site.Network.BootURL); err != nil {
			return err
		}
	}
	packets, err := pxePlanPackets(inv, site, f)
	if err != nil {
		return err
	}
	token, create, err := pxeAPIToken(f.apiTokenFile)
	if err != nil {
		return err
	}
	if create && filepath.Dir(f.apiTokenFile) != filepath.Dir(f.state) {
		if err := pxeCheckDir("--api-token-file", filepath.Dir(f.apiTokenFile)); err != nil {
			return &exitError{code: 1, err: err}
		}
	}
	cfg := server.Config{
		BaseURL: site.Network.BootURL, ListenHTTP: f.listenHTTP, FilesDir: f.files,
		TFTPRoot: f.tftpRoot, UEFIBinary: f.uefiBinary,
		StatePath: f.state, APIToken: token, Discovery: f.discovery,
		Kernel: f.kernel, Initrd: f.initrd, KernelArgs: f.kernelArgs,
	}
	if err := cfg.Validate(); err != nil {
		return err
	}

	// From here on the boot server writes: its state folder, the token
	// file when it has to make one, the state and its seal.
	if err := os.MkdirAll(filepath.Dir(f.state), 0o700); err != nil {
		return fmt.Errorf("state directory: %w", err)
	}
	if create {
		if err := pxeWriteToken(f.apiTokenFile, token); err != nil {
			return err
		}
		log.Info("created api token file", "path", f.apiTokenFile)
	}
	srv, err := server.New(cfg, log)
	if err != nil {
		return err
	}
	if err := pxeAddPacketServices(srv, packets, site, f, log); err != nil {
		srv.Close()
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return srv.Serve(ctx)
}

// pxeUEFIBinaries are the UEFI iPXE binaries of Debian's ipxe package that
// --uefi-binary may name.
var pxeUEFIBinaries = []string{dhcp.DefaultUEFIFile, "snponly.efi"}

// pxeCheckFlags checks the flags that need no inventory, writing nothing,
// and returns the log level.
func pxeCheckFlags(f pxeServeFlags) (slog.Level, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(f.logLevel)); err != nil {
		return lvl, fmt.Errorf("--log-level %q: want debug, info, warn or error", f.logLevel)
	}
	if !slices.Contains(pxeUEFIBinaries, f.uefiBinary) {
		return lvl, fmt.Errorf("--uefi-binary %q: want %s", f.uefiBinary, strings.Join(pxeUEFIBinaries, " or "))
	}
	if err := pxeCheckDir("--files", f.files); err != nil {
		return lvl, err
	}
	if f.iface != "" {
		if _, err := net.InterfaceByName(f.iface); err != nil {
			return lvl, fmt.Errorf("--interface %q: no such network interface here (see `ip link`)", f.iface)
		}
		// TFTP serves the boot programs from --tftp-root.
		if err := pxeCheckDir("--tftp-root", f.tftpRoot); err != nil {
			return lvl, err
		}
	}
	return lvl, nil
}

// pxeCheckDir says what is wrong when dir, the value of flag, is not an
// existing folder.
func pxeCheckDir(flag, dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s %q: no such folder", flag, dir)
	case err != nil:
		return fmt.Errorf("%s %q: %w", flag, dir, err)
	case !fi.IsDir():
		return fmt.Errorf("%s %q: not a folder", flag, dir)
	}
	return nil
}

// pxeLoadSite loads and validates the stack's inventory and finds the site.
func pxeLoadSite(stack, name string) (*inventory.Inventory, *inventory.Site, error) {
	dir := stack
	if !strings.ContainsRune(stack, os.PathSeparator) {
		dir = filepath.Join("stacks", stack)
	}
	inv, diags := inventory.Load(dir)
	if !diags.HasErrors() {
		diags = append(diags, inventory.Validate(inv)...)
	}
	if diags.HasErrors() {
		_ = invWriteDiags(os.Stderr, inv, diags) // bounded, secrets masked
		return nil, nil, &exitError{code: 1, err: fmt.Errorf("--stack %s: inventory %s: %d error(s)", stack, dir, len(diags.Errs()))}
	}
	var names []string
	for _, s := range inv.Sites {
		if s.Name == name {
			return inv, s, nil
		}
		names = append(names, s.Name)
	}
	return nil, nil, &exitError{code: 1, err: fmt.Errorf("--site %q: inventory %s has no such site (sites: %s)", name, dir, strings.Join(names, ", "))}
}

// pxeAPIToken reads the API token from $RACKSMITH_API_TOKEN or path. When
// path does not exist it returns a fresh random token and create: the
// caller writes it with pxeWriteToken once every input is checked.
func pxeAPIToken(path string) (tok string, create bool, err error) {
	if tok := strings.TrimSpace(os.Getenv("RACKSMITH_API_TOKEN")); tok != "" {
		return tok, false, nil
	}
	tok, err = client.ReadToken(path)
	if err == nil {
		return tok, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", false, fmt.Errorf("--api-token-file: %w", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", false, err
	}
	return hex.EncodeToString(b), true, nil
}

// pxeWriteToken creates the token file path (0600), refusing to replace one.
func pxeWriteToken(path, tok string) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create api token file: %w", err)
	}
	if _, err := fh.WriteString(tok + "\n"); err != nil {
		fh.Close()
		return fmt.Errorf("write api token file: %w", err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("write api token file: %w", err)
	}
	return nil
}
