package inventory

import (
	"github.com/hashicorp/hcl/v2"
)

// checkSites checks each site's provisioning network: the gateway and boot
// server lie inside the prefix.
func checkSites(inv *Inventory) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, s := range inv.Sites {
		n := s.Network
		if !n.Prefix.IsValid() {
			continue
		}
		if n.BootServer.IsValid() && !n.Prefix.Contains(n.BootServer) {
			diags = append(diags, errorAt(n.Attrs.Of("boot_server", n.Range), "Address outside the site's network",
				"site %q network: \"boot_server\" %s is not in %s.", s.Name, n.BootServer, n.Prefix))
		}
		if n.Gateway.IsValid() && !n.Prefix.Contains(n.Gateway) {
			diags = append(diags, errorAt(n.Attrs.Of("gateway", n.Range), "Address outside the site's network",
				"site %q network: \"gateway\" %s is not in %s.", s.Name, n.Gateway, n.Prefix))
		}
	}
	return diags
}

// checkPower checks racks and PDUs: sites and racks they refer to, feeds,
// capacities and outlet counts.
func checkPower(inv *Inventory, ix *index) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, r := range inv.Racks {
		if _, ok := ix.sites[r.Site]; !ok {
			diags = append(diags, unknownRef("rack", r.Name, "site", r.Site, r.Attrs.Of("site", r.DeclRange), keys(ix.sites)))
		}
		if r.Height < 1 || r.Height > 60 {
			diags = append(diags, errorAt(r.Attrs.Of("height", r.DeclRange), "Invalid rack height",
				"rack %q: \"height\" %d U is not between 1 and 60.", r.Name, r.Height))
		}
	}
	for _, p := range inv.PDUs {
		at := func(f string) hcl.Range { return p.Attrs.Of(f, p.DeclRange) }
		if _, ok := ix.sites[p.Site]; !ok {
			diags = append(diags, unknownRef("pdu", p.Name, "site", p.Site, at("site"), keys(ix.sites)))
		}
		if p.Rack != "" {
			if r, ok := ix.racks[p.Rack]; !ok {
				diags = append(diags, unknownRef("pdu", p.Name, "rack", p.Rack, at("rack"), keys(ix.racks)))
			} else if r.Site != p.Site {
				diags = append(diags, errorAt(at("rack"), "Rack in another site",
					"pdu %q: \"rack\" %q is in site %q, the PDU in site %q.", p.Name, p.Rack, r.Site, p.Site))
			}
		}
		if p.Feed != "A" && p.Feed != "B" {
			diags = append(diags, errorAt(at("feed"), "Invalid feed",
				"pdu %q: \"feed\" must be \"A\" or \"B\", not %q.", p.Name, p.Feed))
		}
		if p.CapacityW <= 0 {
			diags = append(diags, errorAt(at("capacity_w"), "Invalid PDU capacity",
				"pdu %q: capacity must be positive (capacity_w, or amps × volts).", p.Name))
		}
		if p.Outlets < 1 {
			diags = append(diags, errorAt(at("outlets"), "Invalid outlet count",
				"pdu %q: \"outlets\" must be at least 1.", p.Name))
		}
	}
	return diags
}
