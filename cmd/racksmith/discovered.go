package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/racksmith/racksmith/inventory"
	"github.com/racksmith/racksmith/pxe/client"
	"github.com/racksmith/racksmith/pxe/plan"
)

// envAPIToken is where `racksmith lab exec` (and operators) put the boot
// servers' provisioning API token.
const envAPIToken = "RACKSMITH_API_TOKEN"

// discoveryFlags say which boot servers to ask and with what token; shared
// by `discovered` and `register --from-discovery`.
type discoveryFlags struct {
	site, bootURL, tokenFile string
}

// add adds --boot-url and --api-token-file to cmd.
func (f *discoveryFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.bootURL, "boot-url", "", "ask this boot server (http://host:port) instead of the inventory sites' boot_url")
	fl.StringVar(&f.tokenFile, "api-token-file", "", "file holding the boot servers' API token (default $"+envAPIToken+")")
}

// discoveryServer is one boot server to ask: the site it serves ("" when
// not known) and its URL.
type discoveryServer struct {
	Site, URL string
}

// String names the boot server by URL, and by site when known.
func (s discoveryServer) String() string {
	if s.Site == "" {
		return "boot server " + s.URL
	}
	return fmt.Sprintf("boot server %s (site %s)", s.URL, s.Site)
}

// discoveryServers lists the boot servers of the inventory in dir (one per
// site with a boot_url, only site when given), or just bootURL: of site,
// else of the inventory's site with that boot_url, if any.
func discoveryServers(dir string, f discoveryFlags) ([]discoveryServer, error) {
	inv, diags := inventory.Load(dir)
	if f.bootURL != "" {
		s := discoveryServer{Site: f.site, URL: f.bootURL}
		if s.Site == "" && !diags.HasErrors() {
			for _, site := range inv.Sites {
				if strings.TrimRight(site.Network.BootURL, "/") == strings.TrimRight(f.bootURL, "/") {
					s.Site = site.Name
				}
			}
		}
		return []discoveryServer{s}, nil
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("inventory %s: %w", dir, diags.Errs()[0])
	}
	var out []discoveryServer
	for _, s := range inv.Sites {
		if f.site != "" && s.Name != f.site {
			continue
		}
		if s.Network.BootURL == "" {
			continue
		}
		out = append(out, discoveryServer{Site: s.Name, URL: s.Network.BootURL})
	}
	if len(out) == 0 {
		if f.site != "" {
			return nil, fmt.Errorf("inventory %s: no site %q with a network boot_url", dir, f.site)
		}
		return nil, fmt.Errorf("inventory %s: no site has a network boot_url (or pass --boot-url)", dir)
	}
	return out, nil
}

// discoveryToken reads the API token from file, else from $RACKSMITH_API_TOKEN.
func discoveryToken(file string) (string, error) {
	if file != "" {
		return client.ReadToken(file)
	}
	if tok := strings.TrimSpace(os.Getenv(envAPIToken)); tok != "" {
		return tok, nil
	}
	return "", fmt.Errorf("no boot server API token: pass --api-token-file or set $%s (racksmith lab exec sets it)", envAPIToken)
}

// bootServerFacts finds discovery facts at the sites' boot servers.
type bootServerFacts struct {
	servers []discoveryServer
	token   string
}

var _ regFactsSource = (*bootServerFacts)(nil)

// FactsByMAC asks every boot server for host mac and returns the facts of
// the one that saw it in discovery, with its site. Safe to repeat.
func (b *bootServerFacts) FactsByMAC(ctx context.Context, mac string) (*plan.Facts, string, error) {
	want, err := inventory.NormalizeMAC(mac)
	if err != nil {
		return nil, "", fmt.Errorf("--from-discovery: %w", err)
	}
	var errs []error
	asked := make([]string, 0, len(b.servers))
	for _, s := range b.servers {
		c, err := client.New(s.URL, b.token, nil)
		if err != nil {
			return nil, "", err
		}
		asked = append(asked, s.URL)
		st, err := c.GetHost(ctx, want)
		switch {
		case errors.Is(err, client.ErrNotFound):
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("%s: %w", s, err))
			continue
		case st.Facts == nil:
			errs = append(errs, fmt.Errorf("%w: %s is known to boot server %s but reported no facts (state %s)", errNoFacts, want, s.URL, st.State))
			continue
		}
		return st.Facts, s.Site, nil
	}
	if len(errs) > 0 {
		return nil, "", errors.Join(errs...)
	}
	return nil, "", fmt.Errorf("%w: %s is not known to boot server(s) %s", errNoFacts, want, strings.Join(asked, ", "))
}

// discoveredHost is one line of `racksmith discovered`.
type discoveredHost struct {
	Site      string          `json:"site"`
	BootURL   string          `json:"boot_url"`
	MAC       string          `json:"mac"`
	Serial    string          `json:"serial,omitempty"`
	Vendor    string          `json:"vendor,omitempty"`
	Product   string          `json:"product,omitempty"`
	NICs      []plan.NICFact  `json:"nics"`
	Disks     []plan.DiskFact `json:"disks"`
	Reported  time.Time       `json:"reported"`
	Inventory string          `json:"inventory_server,omitempty"` // a server of the inventory with this MAC
}

func init() {
	var (
		df               discoveryFlags
		stack, stacksDir string
		asJSON           bool
	)
	cmd := &cobra.Command{
		Use:   "discovered [--stack NAME] [--site S]",
		Short: "List the hosts the sites' boot servers discovered: MACs, disks, serial, when",
		Long: "Asks the boot server of every site of the stack's inventory (network boot_url), or\n" +
			"--boot-url, for the hosts that PXE-booted into discovery and reported their facts. The API\n" +
			"token comes from --api-token-file or $" + envAPIToken + ". Register one with\n" +
			"`racksmith register --stack NAME --from-discovery MAC --name … --rack … --u … --psu … --bmc …`.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDiscovered(cmd.Context(), cmd.OutOrStdout(), cmd.ErrOrStderr(), filepath.Join(stacksDir, stack), df, asJSON)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&stack, "stack", "lab", "stack name: its inventory is STACKS-DIR/NAME")
	fl.StringVar(&stacksDir, "stacks-dir", "stacks", "folder holding one inventory folder per stack")
	fl.StringVar(&df.site, "site", "", "ask only this site's boot server")
	df.add(cmd)
	fl.BoolVar(&asJSON, "json", false, "print JSON")
	rootCmd.AddCommand(cmd)
}

// runDiscovered lists the discovered hosts of every boot server; a boot
// server that does not answer is reported (exit 1) after the others are
// listed. When none answered nothing is listed: not even "no hosts".
func runDiscovered(ctx context.Context, stdout, stderr io.Writer, dir string, df discoveryFlags, asJSON bool) error {
	servers, err := discoveryServers(dir, df)
	if err != nil {
		return err
	}
	token, err := discoveryToken(df.tokenFile)
	if err != nil {
		return err
	}
	known := map[string]string{}
	if inv, diags := inventory.Load(dir); !diags.HasErrors() {
		for _, s := range inv.Servers {
			for _, n := range s.NICs {
				known[n.MAC] = s.Name
			}
		}
	}
	hosts := []discoveredHost{}
	var errs []error
	var answered []discoveryServer
	for _, s := range servers {
		c, err := client.New(s.URL, token, nil)
		if err != nil {
			return err
		}
		list, err := c.ListHosts(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s, err))
			continue
		}
		answered = append(answered, s)
		for _, st := range list {
			if st.State != plan.StateDiscovered || st.Facts == nil {
				continue
			}
			f := st.Facts
			reported := f.Time
			if reported.IsZero() {
				reported = st.UpdatedAt
			}
			mac := st.MAC
			if m, err := inventory.NormalizeMAC(mac); err == nil {
				mac = m
			}
			hosts = append(hosts, discoveredHost{Site: s.Site, BootURL: s.URL, MAC: mac, Serial: f.Serial,
				Vendor: f.Vendor, Product: f.Product, NICs: f.NICs, Disks: f.Disks,
				Reported: reported.UTC(), Inventory: known[mac]})
		}
	}
	sort.SliceStable(hosts, func(i, j int) bool { return hosts[i].MAC < hosts[j].MAC })
	switch {
	case len(answered) == 0:
		// every boot server failed: the errors say so, stdout stays empty
	case asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(hosts); err != nil {
			return err
		}
	default:
		var from []discoveryServer
		if len(errs) > 0 {
			from = answered // "none" is only about the servers that answered
		}
		if err := writeDiscovered(stdout, hosts, from); err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		return &exitError{code: 1, err: errors.Join(errs...)}
	}
	return nil
}

// writeDiscovered prints one line per host: site, MAC, serial, disks with
// serial and size, when it reported and the inventory server holding its MAC.
// With no host it says so, naming the boot servers of from when given.
func writeDiscovered(w io.Writer, hosts []discoveredHost, from []discoveryServer) error {
	if len(hosts) == 0 {
		if len(from) == 0 {
			_, err := fmt.Fprintln(w, "No discovered hosts.")
			return err
		}
		names := make([]string, len(from))
		for i, s := range from {
			names[i] = s.String()
		}
		_, err := fmt.Fprintf(w, "No discovered hosts at %s.\n", strings.Join(names, ", "))
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SITE\tMAC\tSERIAL\tDISKS\tREPORTED\tINVENTORY")
	for _, h := range hosts {
		var disks []string
		for _, d := range h.Disks {
			disks = append(disks, fmt.Sprintf("%s:%s:%s", d.Path, dash(d.Serial), inventory.FormatSize(d.SizeBytes)))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", dash(h.Site), h.MAC, dash(h.Serial), dash(strings.Join(disks, " ")),
			h.Reported.Format(time.RFC3339), dash(h.Inventory))
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
