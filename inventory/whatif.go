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
// order and in declaration order within each kind. It is pure.
func WhatIf(inv *Inventory) []Failure {
	type dom struct{ kind, name string }
	var doms []dom
	for _, p := range inv.PDUs {
		doms = append(doms, dom{DomainPDU, p.Name})
	}
	for _, r := range inv.Racks {
		doms = append(doms, dom{DomainRack, r.Name})
	}
	for _, s := range inv.Sites {
		doms = append(doms, dom{DomainSite, s.Name})
	}
	carriers := make(map[string][]*Server, len(inv.Roles))
	for _, s := range inv.Servers {
		for _, r := range s.Roles {
			carriers[r] = append(carriers[r], s)
		}
	}
	out := make([]Failure, 0, len(doms))
	for _, d := range doms {
		f := Failure{Domain: d.kind, Name: d.name, Down: []string{}, Impacts: []Impact{}}
		for _, s := range inv.Servers {
			if downWith(s, d.kind, d.name) {
				f.Down = append(f.Down, s.Name)
			}
		}
		for _, r := range inv.Roles {
			if im, hit := impact(r, carriers[r.Name], d.kind, d.name); hit {
				f.Impacts = append(f.Impacts, im)
			}
		}
		out = append(out, f)
	}
	return out
}

func impact(r *Role, servers []*Server, kind, name string) (Impact, bool) {
	im := Impact{Role: r.Name, Before: len(servers), Wanted: r.Replicas, Quorum: r.Quorum}
	siteBefore, siteAfter := map[string]int{}, map[string]int{}
	for _, s := range servers {
		siteBefore[s.Site]++
		if !downWith(s, kind, name) {
			im.After++
			siteAfter[s.Site]++
		}
	}
	if im.After == im.Before {
		return im, false
	}
	im.BelowReplicas = im.After < r.Replicas
	im.BelowQuorum = r.Quorum > 0 && im.After < r.Quorum
	im.LostAll = im.After == 0
	for _, site := range sortedKeys(siteBefore) {
		if siteAfter[site] == 0 && im.After > 0 && !(kind == DomainSite && site == name) {
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
	return im, true
}
