package inventory

import (
	"slices"

	"github.com/hashicorp/hcl/v2"
)

// checkRoles checks role definitions and the service block: sites that
// exist, known spread domains, a quorum the replicas can reach, a role
// carried by at least one server, and servers carrying a role only where it
// may run.
func checkRoles(inv *Inventory, ix *index) hcl.Diagnostics {
	var diags hcl.Diagnostics
	carried := map[string]int{}
	for _, s := range inv.Servers {
		for _, r := range s.Roles {
			carried[r]++
			role, ok := ix.roles[r]
			if ok && len(role.Sites) > 0 && !slices.Contains(role.Sites, s.Site) {
				diags = append(diags, errorAt(s.Attrs.Of("roles", s.DeclRange), "Role outside its sites",
					"server %q in site %q carries role %q, which runs only in %v.", s.Name, s.Site, r, role.Sites))
			}
		}
	}
	for _, r := range inv.Roles {
		at := func(f string) hcl.Range { return r.Attrs.Of(f, r.DeclRange) }
		if r.Replicas < 1 {
			diags = append(diags, errorAt(at("replicas"), "Invalid replicas", "role %q: \"replicas\" must be at least 1.", r.Name))
		}
		if r.Quorum < 0 || r.Quorum > r.Replicas {
			diags = append(diags, errorAt(at("quorum"), "Unreachable quorum",
				"role %q: \"quorum\" %d must be between 0 and replicas (%d).", r.Name, r.Quorum, r.Replicas))
		}
		if r.PerSite < 0 {
			diags = append(diags, errorAt(at("per_site"), "Invalid per_site", "role %q: \"per_site\" must not be negative.", r.Name))
		}
		for _, site := range r.Sites {
			if _, ok := ix.sites[site]; !ok {
				diags = append(diags, unknownRef("role", r.Name, "sites", site, at("sites"), keys(ix.sites)))
			}
		}
		for _, d := range r.Spread {
			if d != "site" && d != "rack" && d != "pdu" {
				diags = append(diags, errorAt(at("spread"), "Unknown failure domain",
					"role %q: \"spread\" may hold \"site\", \"rack\" and \"pdu\", not %q.", r.Name, d))
			}
		}
		if carried[r.Name] == 0 {
			diags = append(diags, errorAt(r.DeclRange, "Role not carried by any server",
				"role %q: no server lists it in \"roles\".", r.Name))
		}
	}
	if inv.Service == nil && len(inv.Sites) > 0 {
		diags = append(diags, warningAt(inv.Sites[0].DeclRange, "No service block",
			"the stack has no service \"mail\" block {domains, primary_site, vips}: roles render without mail settings."))
	}
	if svc := inv.Service; svc != nil {
		if _, ok := ix.sites[svc.PrimarySite]; !ok {
			diags = append(diags, unknownRef("service", "mail", "primary_site", svc.PrimarySite, svc.Attrs.Of("primary_site", svc.DeclRange), keys(ix.sites)))
		}
		for _, site := range sortedKeys(svc.VIPs) {
			if _, ok := ix.sites[site]; !ok {
				diags = append(diags, unknownRef("service", "mail", "vips", site, svc.Attrs.Of("vips", svc.DeclRange), keys(ix.sites)))
			}
		}
		if len(svc.Domains) == 0 {
			diags = append(diags, errorAt(svc.Attrs.Of("domains", svc.DeclRange), "No mail domains", "service \"mail\": \"domains\" must list at least one domain."))
		}
	}
	return diags
}
