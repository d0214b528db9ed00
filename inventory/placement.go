package inventory

import (
	"slices"
)

// RolePlacement is where a role's instances are: how many servers carry it
// in each site, rack and PDU.
type RolePlacement struct {
	Role    string         `json:"role"`
	Wanted  int            `json:"wanted"`
	PerSite int            `json:"per_site,omitempty"`
	Quorum  int            `json:"quorum,omitempty"`
	Spread  []string       `json:"spread,omitempty"`
	Servers []string       `json:"servers"`
	BySite  map[string]int `json:"by_site"`
	ByRack  map[string]int `json:"by_rack"`
	// ByPDU counts the servers each PDU feeds, alone or with another.
	ByPDU map[string]int `json:"by_pdu"`
	// OnlyFeed counts the servers for which the PDU is the only feed: they
	// go down with it.
	OnlyFeed map[string]int `json:"only_feed,omitempty"`
}

// Place counts, for every role in declaration order, its servers per site,
// rack and PDU. It is pure: it reads the inventory and returns a value.
func Place(inv *Inventory) []RolePlacement {
	by := make(map[string][]*Server, len(inv.Roles))
	for _, s := range inv.Servers {
		for _, r := range s.Roles {
			by[r] = append(by[r], s)
		}
	}
	out := make([]RolePlacement, 0, len(inv.Roles))
	for _, r := range inv.Roles {
		p := RolePlacement{
			Role: r.Name, Wanted: r.Replicas, PerSite: r.PerSite, Quorum: r.Quorum, Spread: r.Spread,
			Servers: []string{}, BySite: map[string]int{}, ByRack: map[string]int{}, ByPDU: map[string]int{},
		}
		for _, s := range by[r.Name] {
			p.Servers = append(p.Servers, s.Name)
			p.BySite[s.Site]++
			p.ByRack[s.Rack]++
			for _, pdu := range feeds(s) {
				p.ByPDU[pdu]++
			}
			if only, ok := onlyFeed(s); ok {
				if p.OnlyFeed == nil {
					p.OnlyFeed = map[string]int{}
				}
				p.OnlyFeed[only]++
			}
		}
		out = append(out, p)
	}
	return out
}

// feeds lists the distinct PDUs a server's PSUs are plugged into.
func feeds(s *Server) []string {
	out := make([]string, 0, len(s.PSUs))
	for _, p := range s.PSUs {
		if !slices.Contains(out, p.PDU) {
			out = append(out, p.PDU)
		}
	}
	return out
}

// onlyFeed returns the PDU a server depends on alone, if every PSU of the
// server is plugged into the same PDU.
func onlyFeed(s *Server) (string, bool) {
	f := feeds(s)
	if len(f) == 1 {
		return f[0], true
	}
	return "", false
}
