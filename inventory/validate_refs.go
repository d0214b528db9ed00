package inventory

import (
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// checkNames reports a second declaration of any name of the same kind.
func checkNames(inv *Inventory) hcl.Diagnostics {
	var diags hcl.Diagnostics
	dup := func(kind string, names []string, ranges []hcl.Range) {
		seen := make(map[string]hcl.Range, len(names))
		for i, n := range names {
			if prev, ok := seen[n]; ok {
				diags = append(diags, errorAt(ranges[i], "Duplicate "+kind+" name",
					"%s %q is already declared at %s.", kind, n, where(prev)))
				continue
			}
			seen[n] = ranges[i]
		}
	}
	collect := func(n int, f func(i int) (string, hcl.Range)) ([]string, []hcl.Range) {
		names, ranges := make([]string, n), make([]hcl.Range, n)
		for i := range n {
			names[i], ranges[i] = f(i)
		}
		return names, ranges
	}
	n, r := collect(len(inv.Sites), func(i int) (string, hcl.Range) { return inv.Sites[i].Name, inv.Sites[i].DeclRange })
	dup("site", n, r)
	n, r = collect(len(inv.Racks), func(i int) (string, hcl.Range) { return inv.Racks[i].Name, inv.Racks[i].DeclRange })
	dup("rack", n, r)
	n, r = collect(len(inv.PDUs), func(i int) (string, hcl.Range) { return inv.PDUs[i].Name, inv.PDUs[i].DeclRange })
	dup("pdu", n, r)
	n, r = collect(len(inv.Credentials), func(i int) (string, hcl.Range) { return inv.Credentials[i].Name, inv.Credentials[i].DeclRange })
	dup("credential", n, r)
	n, r = collect(len(inv.Servers), func(i int) (string, hcl.Range) { return inv.Servers[i].Name, inv.Servers[i].DeclRange })
	dup("server", n, r)
	n, r = collect(len(inv.Roles), func(i int) (string, hcl.Range) { return inv.Roles[i].Name, inv.Roles[i].DeclRange })
	dup("role", n, r)
	diags = append(diags, checkNameSyntax(inv)...)
	for _, s := range inv.Servers {
		n, r = collect(len(s.NICs), func(i int) (string, hcl.Range) { return s.NICs[i].Name, s.NICs[i].Range })
		dup("nic", n, r)
		n, r = collect(len(s.Disks), func(i int) (string, hcl.Range) { return s.Disks[i].Name, s.Disks[i].Range })
		dup("disk", n, r)
	}
	return diags
}

// checkServerRefs checks every name a server refers to: its site, its rack
// (in the same site), its PDUs (in the same site), its BMC credential and
// its roles, and that it has the parts provisioning needs.
func checkServerRefs(inv *Inventory, ix *index) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, s := range inv.Servers {
		at := func(field string) hcl.Range { return s.Attrs.Of(field, s.DeclRange) }
		site, okSite := ix.sites[s.Site]
		if !okSite {
			diags = append(diags, unknownRef("server", s.Name, "site", s.Site, at("site"), keys(ix.sites)))
		}
		if r, ok := ix.racks[s.Rack]; !ok {
			diags = append(diags, unknownRef("server", s.Name, "rack", s.Rack, at("rack"), keys(ix.racks)))
		} else if okSite && r.Site != s.Site {
			diags = append(diags, errorAt(at("rack"), "Rack in another site",
				"server %q: \"rack\" %q is in site %q, the server in site %q.", s.Name, s.Rack, r.Site, s.Site))
		}
		for _, p := range s.PSUs {
			pdu, ok := ix.pdus[p.PDU]
			switch {
			case !ok:
				diags = append(diags, unknownRef("server "+quote(s.Name)+" psu", "", "pdu", p.PDU, p.Attrs.Of("pdu", p.Range), keys(ix.pdus)))
			case okSite && pdu.Site != s.Site:
				diags = append(diags, errorAt(p.Attrs.Of("pdu", p.Range), "PDU in another site",
					"server %q psu: \"pdu\" %q is in site %q, the server in site %q.", s.Name, p.PDU, pdu.Site, s.Site))
			case pdu.Rack != "" && pdu.Rack != s.Rack:
				diags = append(diags, warningAt(p.Attrs.Of("pdu", p.Range), "PDU in another rack",
					"server %q psu: \"pdu\" %q is mounted in rack %q, the server in rack %q: the cable crosses racks.", s.Name, p.PDU, pdu.Rack, s.Rack))
			}
		}
		if len(s.PSUs) == 0 {
			diags = append(diags, errorAt(s.DeclRange, "Missing psu block",
				"server %q: add a psu block {pdu, outlet, watts} for each power supply.", s.Name))
		}
		if s.BMC.Range == (hcl.Range{}) {
			diags = append(diags, errorAt(s.DeclRange, "Missing bmc block",
				"server %q: add a bmc block {address, credential}: racksmith powers and boots servers through it.", s.Name))
		} else if _, ok := ix.creds[s.BMC.Credential]; !ok {
			diags = append(diags, unknownRef("server "+quote(s.Name)+" bmc", "", "credential", s.BMC.Credential, s.BMC.Attrs.Of("credential", s.BMC.Range), keys(ix.creds)))
		}
		diags = append(diags, checkProvisioningNIC(s)...)
		for _, role := range s.Roles {
			if _, ok := ix.roles[role]; !ok {
				diags = append(diags, unknownRef("server", s.Name, "roles", role, at("roles"), keys(ix.roles)))
			}
		}
		if !s.Address.IsValid() {
			diags = append(diags, errorAt(s.DeclRange, "Missing address",
				"server %q: set \"address\" (CIDR on site %q's provisioning network); the boot server reserves it for the provisioning NIC.", s.Name, s.Site))
		} else if okSite && !site.Network.Prefix.Contains(s.Address.Addr()) {
			diags = append(diags, errorAt(at("address"), "Address outside the site's network",
				"server %q: \"address\" %s is not in site %q's provisioning network %s.", s.Name, s.Address, s.Site, site.Network.Prefix))
		} else if okSite && s.Address.Bits() != site.Network.Prefix.Bits() {
			diags = append(diags, errorAt(at("address"), "Prefix length differs from the site's network",
				"server %q: \"address\" %s has prefix length /%d, site %q's network is %s.", s.Name, s.Address, s.Address.Bits(), s.Site, site.Network.Prefix))
		}
	}
	return diags
}

func unknownRef(kind, name, field, value string, r hcl.Range, known []string) *hcl.Diagnostic {
	who := kind
	if name != "" {
		who = kind + " " + quote(name)
	}
	hint := ""
	if len(known) > 0 && len(known) <= 12 {
		hint = " Known: " + strings.Join(known, ", ") + "."
	}
	return errorAt(r, "Reference to unknown "+field, "%s: %q %q is not declared.%s", who, field, value, hint)
}

func keys[V any](m map[string]V) []string {
	k := sortedKeys(m)
	return slices.Clip(k)
}

func quote(s string) string { return `"` + s + `"` }

// checkProvisioningNIC requires exactly one NIC with purpose
// "provisioning": the one the boot server answers by MAC.
func checkProvisioningNIC(s *Server) hcl.Diagnostics {
	if len(s.NICs) == 0 {
		return hcl.Diagnostics{errorAt(s.DeclRange, "Missing nic block",
			"server %q: add at least the provisioning nic {mac, purpose = \"provisioning\"}.", s.Name)}
	}
	var first *NIC
	for i := range s.NICs {
		n := &s.NICs[i]
		if n.Purpose != "provisioning" {
			continue
		}
		if first != nil {
			return hcl.Diagnostics{errorAt(n.Attrs.Of("purpose", n.Range), "Two provisioning NICs",
				"server %q: nic %q and nic %q both have purpose \"provisioning\"; the boot server needs exactly one.", s.Name, first.Name, n.Name)}
		}
		first = n
	}
	if first == nil {
		return hcl.Diagnostics{errorAt(s.NICs[0].Range, "No provisioning NIC",
			"server %q: set purpose = \"provisioning\" on the NIC the server PXE-boots from.", s.Name)}
	}
	return nil
}

// hostnameRE is a DNS label in lowercase: a server's name is its hostname
// and names its folders and files (role files, lab disks, logs).
var hostnameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// nameRE is what the other blocks' names may hold: letters, digits, "-"
// and "_", starting with a letter or digit (they name interfaces, files
// and metrics labels).
var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$`)

// checkNameSyntax refuses names that are not hostnames (servers) or plain
// identifiers (sites, racks, PDUs, credentials), which could otherwise
// reach paths ("../x") or configuration files.
func checkNameSyntax(inv *Inventory) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, s := range inv.Servers {
		if !hostnameRE.MatchString(s.Name) {
			diags = append(diags, errorAt(s.DeclRange, "Invalid server name",
				"server %q: a server's name is its hostname: lowercase letters, digits and \"-\", 1 to 63 characters, "+
					"not starting or ending with \"-\".", s.Name))
		}
	}
	check := func(kind, name string, at hcl.Range) {
		if !nameRE.MatchString(name) {
			diags = append(diags, errorAt(at, "Invalid "+kind+" name",
				"%s %q: a name holds letters, digits, \"-\" and \"_\" (1 to 63, starting with a letter or digit).", kind, name))
		}
	}
	for _, x := range inv.Sites {
		check("site", x.Name, x.DeclRange)
	}
	for _, x := range inv.Racks {
		check("rack", x.Name, x.DeclRange)
	}
	for _, x := range inv.PDUs {
		check("pdu", x.Name, x.DeclRange)
	}
	for _, x := range inv.Credentials {
		check("credential", x.Name, x.DeclRange)
	}
	return diags
}
