package inventory

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Report is the placement and power analysis of a valid inventory: where
// each role runs, what the loss of each PDU, rack and site does, and every
// PDU's load.
type Report struct {
	Roles  []RolePlacement `json:"roles"`
	WhatIf []Failure       `json:"what_if"`
	Power  []PDULoad       `json:"power"`
}

// Analyze computes the report and turns its findings into diagnostics:
// errors for single points of failure across a domain the role must be
// spread over (always across PDUs), for PDUs overloaded when their partner
// feed fails, and for a PDU that is the only feed of more than half of a
// role's servers in a site; warnings for reduced redundancy, lost quorum
// and PDUs loaded above 80 %. Run it on an inventory that validated.
func Analyze(inv *Inventory) (*Report, hcl.Diagnostics) {
	rep := &Report{Roles: Place(inv), WhatIf: WhatIf(inv), Power: Power(inv)}
	ix := newIndex(inv)
	var diags hcl.Diagnostics
	diags = append(diags, placementDiags(inv, ix, rep.Roles)...)
	diags = append(diags, whatIfDiags(ix, rep.WhatIf)...)
	diags = append(diags, powerDiags(ix, rep.Power)...)
	return rep, diags
}

func placementDiags(inv *Inventory, ix *index, roles []RolePlacement) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, p := range roles {
		r := ix.roles[p.Role]
		if n := len(p.Servers); n > 0 && n < p.Wanted {
			diags = append(diags, warningAt(r.Attrs.Of("replicas", r.DeclRange), "Fewer replicas than wanted",
				"role %q wants %d replicas; %d servers carry it.", r.Name, r.Replicas, n))
		}
		sites := r.Sites
		if len(sites) == 0 {
			for _, s := range inv.Sites {
				sites = append(sites, s.Name)
			}
		}
		for _, site := range sites {
			if r.PerSite > 0 && p.BySite[site] < r.PerSite {
				diags = append(diags, warningAt(r.Attrs.Of("per_site", r.DeclRange), "Fewer replicas in a site than wanted",
					"role %q wants %d per site; site %q has %d.", r.Name, r.PerSite, site, p.BySite[site]))
			}
		}
		// Design rule: within a site, no PDU is the only feed of more than
		// half of the role's servers there.
		for _, pdu := range sortedKeys(p.OnlyFeed) {
			pd, ok := ix.pdus[pdu]
			if !ok {
				continue // an unknown PDU: Validate reports it
			}
			site := pd.Site
			if n, of := p.OnlyFeed[pdu], p.BySite[site]; 2*n > of {
				diags = append(diags, errorAt(r.DeclRange, "PDU is the only feed of most of a role",
					"role %q: pdu %q is the only feed of %d of its %d servers in site %q (more than half). Give those servers a second PSU on the other feed, or move them.",
					r.Name, pdu, n, of, site))
			}
		}
	}
	return diags
}

func whatIfDiags(ix *index, failures []Failure) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, f := range failures {
		for _, im := range f.Impacts {
			r := ix.roles[im.Role]
			what := fmt.Sprintf("when %s %q fails", f.Domain, f.Name)
			switch {
			case im.LostAll && im.Severity == "error":
				diags = append(diags, errorAt(r.DeclRange, "Single point of failure",
					"role %q loses all %d instances %s (servers down: %s).", r.Name, im.Before, what, strings.Join(f.Down, ", ")))
			case im.LostAll:
				diags = append(diags, warningAt(r.DeclRange, "Role lost with one failure domain",
					"role %q loses all %d instances %s; its spread %v does not ask for %s redundancy.", r.Name, im.Before, what, r.Spread, f.Domain))
			case im.BelowQuorum:
				diags = append(diags, warningAt(r.Attrs.Of("quorum", r.DeclRange), "Quorum lost",
					"role %q keeps %d of %d members %s, below its quorum of %d: keep a majority outside any single %s, e.g. add an arbitrator in another %s.",
					r.Name, im.After, im.Before, what, r.Quorum, f.Domain, f.Domain))
			case im.SiteEmptied != "":
				diags = append(diags, warningAt(r.DeclRange, "Reduced redundancy",
					"role %q has no instance left in site %q %s (%d of %d remain elsewhere).", r.Name, im.SiteEmptied, what, im.After, im.Before))
			}
		}
	}
	return diags
}

func powerDiags(ix *index, loads []PDULoad) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, l := range loads {
		p := ix.pdus[l.PDU]
		at := p.Attrs.Of("capacity_w", p.Attrs.Of("amps", p.DeclRange))
		partner := "its partner feed"
		if l.Partner != "" {
			partner = fmt.Sprintf("pdu %q", l.Partner)
		}
		switch l.Status {
		case "error":
			diags = append(diags, errorAt(at, "PDU overloaded on failover",
				"pdu %q would carry %d W when %s fails; its capacity is %d W (normal load %d W).", l.PDU, l.FailoverW, partner, l.CapacityW, l.NormalW))
		case "warning":
			diags = append(diags, warningAt(at, "PDU above 80% on failover",
				"pdu %q would carry %d W (%d%%) of its %d W when %s fails.", l.PDU, l.FailoverW, 100*l.FailoverW/l.CapacityW, l.CapacityW, partner))
		}
	}
	return diags
}
