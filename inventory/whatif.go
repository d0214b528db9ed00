package inventory

import (
	"slices"
)

// Failure domain kinds, as written in a role's spread.
const (
	DomainPDU  = "pdu"
	DomainRack = "rack"
	DomainSite = "site"
)

// Failure is the what-if of losing one failure domain: which servers go
// down and what that does to each role that loses an instance.
type Failure struct {
	Domain  string   `json:"domain"` // pdu, rack or site
	Name    string   `json:"name"`
	Down    []string `json:"servers_down"`
	Impacts []Impact `json:"impacts"`
}

// Impact is what one failure does to one role.
type Impact struct {
	Role          string `json:"role"`
	Before        int    `json:"before"`
	After         int    `json:"after"`
	Wanted        int    `json:"wanted"`
	Quorum        int    `json:"quorum,omitempty"`
	BelowReplicas bool   `json:"below_replicas"`
	BelowQuorum   bool   `json:"below_quorum"`
	// LostAll: the role has no instance left; the domain is a single point
	// of failure for it.
	LostAll bool `json:"spof"`
	// SiteEmptied names a site where the role had instances and has none
	// left, while it survives elsewhere.
	SiteEmptied string `json:"site_emptied,omitempty"`
	// Severity is "error" for a single point of failure across a domain
	// the role must be spread over (PDUs always); "warning" for lost
	// quorum, a site left without the role, or a total loss the role's
	// spread accepts; "info" for fewer replicas than wanted; else "ok".
	Severity string `json:"severity"`
}

// WhatIf simulates the loss of every single PDU, rack and site, in that
// order and in declaration order within each kind. It is pure, and linear
// in the number of servers: each what-if visits only the servers it takes
// down.
func WhatIf(inv *Inventory) []Failure {
	type dom struct{ kind, name string }
	doms := make([]dom, 0, len(inv.PDUs)+len(inv.Racks)+len(inv.Sites))
	for _, p := range inv.PDUs {
		doms = append(doms, dom{DomainPDU, p.Name})
	}
	for _, r := range inv.Racks {
		doms = append(doms, dom{DomainRack, r.Name})
	}
	for _, s := range inv.Sites {
		doms = append(doms, dom{DomainSite, s.Name})
	}
	// Instances of each role, in total and per site.
	total := make(map[string]int, len(inv.Roles))
	perSite := make(map[string]map[string]int, len(inv.Roles))
	for _, s := range inv.Servers {
		for _, r := range s.Roles {
			total[r]++
			if perSite[r] == nil {
				perSite[r] = map[string]int{}
			}
			perSite[r][s.Site]++
		}
	}
	idx := newDomainIndex(inv)
	out := make([]Failure, 0, len(doms))
	for _, d := range doms {
		down := idx.down(d.kind, d.name)
		f := Failure{Domain: d.kind, Name: d.name, Down: make([]string, 0, len(down)), Impacts: []Impact{}}
		lost := map[string]map[string]int{} // role -> site -> instances lost
		for _, s := range down {
			f.Down = append(f.Down, s.Name)
			for _, r := range s.Roles {
				if lost[r] == nil {
					lost[r] = map[string]int{}
				}
				lost[r][s.Site]++
			}
		}
		for _, r := range inv.Roles {
			if l := lost[r.Name]; len(l) > 0 {
				f.Impacts = append(f.Impacts, impact(r, total[r.Name], perSite[r.Name], l, d.kind, d.name))
			}
		}
		out = append(out, f)
	}
	return out
}

// impact judges what losing lost (instances per site) does to role r,
// which has before instances, perSite of them in each site.
func impact(r *Role, before int, perSite, lost map[string]int, kind, name string) Impact {
	im := Impact{Role: r.Name, Before: before, After: before, Wanted: r.Replicas, Quorum: r.Quorum}
	for _, n := range lost {
		im.After -= n
	}
	im.BelowReplicas = im.After < r.Replicas
	im.BelowQuorum = r.Quorum > 0 && im.After < r.Quorum
	im.LostAll = im.After == 0
	for _, site := range sortedKeys(lost) {
		if lost[site] == perSite[site] && im.After > 0 && !(kind == DomainSite && site == name) {
			im.SiteEmptied = site
		}
	}
	switch {
	case im.LostAll && (kind == DomainPDU || slices.Contains(r.Spread, kind)):
		im.Severity = "error"
	case im.LostAll, im.BelowQuorum, im.SiteEmptied != "":
		im.Severity = "warning"
	case im.BelowReplicas:
		im.Severity = "info"
	default:
		im.Severity = "ok"
	}
	return im
}
