package inventory

// PowerWarnRatio is the share of a PDU's capacity above which its load is
// reported as a warning.
const PowerWarnRatio = 0.8

// PDULoad is a PDU's load in normal operation and when its partner feed
// fails.
type PDULoad struct {
	PDU       string `json:"pdu"`
	Site      string `json:"site"`
	Feed      string `json:"feed"`
	CapacityW int    `json:"capacity_w"`
	NormalW   int    `json:"normal_w"`
	// FailoverW is the load when the partner PDU (the other PDU feeding
	// most of the same servers) fails and every server shifts its whole
	// draw onto its surviving PSUs.
	FailoverW int    `json:"failover_w"`
	Partner   string `json:"partner,omitempty"`
	Servers   int    `json:"servers"`
	Status    string `json:"status"` // ok, warning, error
}

// Power computes every PDU's load. In normal operation a server's draw
// (its PSUs' watts) is split evenly across its PSUs; when a partner PDU
// fails, the PSUs left carry the whole draw. The worst partner is reported.
// It is pure.
func Power(inv *Inventory) []PDULoad {
	on := make(map[string][]*Server, len(inv.PDUs))
	for _, s := range inv.Servers {
		for _, pdu := range feeds(s) {
			on[pdu] = append(on[pdu], s)
		}
	}
	out := make([]PDULoad, 0, len(inv.PDUs))
	for _, p := range inv.PDUs {
		l := PDULoad{PDU: p.Name, Site: p.Site, Feed: p.Feed, CapacityW: p.CapacityW, Servers: len(on[p.Name])}
		l.NormalW = loadOn(on[p.Name], p.Name, "")
		l.FailoverW = l.NormalW
		partners := map[string]bool{}
		for _, s := range on[p.Name] {
			for _, q := range feeds(s) {
				if q != p.Name {
					partners[q] = true
				}
			}
		}
		for _, q := range sortedKeys(partners) {
			if w := loadOn(on[p.Name], p.Name, q); w > l.FailoverW || l.Partner == "" {
				l.FailoverW, l.Partner = w, q
			}
		}
		switch {
		case l.CapacityW <= 0 || l.FailoverW > l.CapacityW:
			l.Status = "error"
		case float64(l.FailoverW) > PowerWarnRatio*float64(l.CapacityW):
			l.Status = "warning"
		default:
			l.Status = "ok"
		}
		out = append(out, l)
	}
	return out
}

// loadOn sums the draw the given servers put on PDU pdu while PDU failed
// (may be "") is down. Each PSU's watts is the server's whole draw; the
// PSUs that have power share it evenly.
func loadOn(servers []*Server, pdu, failed string) int {
	total := 0.0
	for _, s := range servers {
		live := 0
		for _, p := range s.PSUs {
			if p.PDU != failed {
				live++
			}
		}
		if live == 0 {
			continue
		}
		for _, p := range s.PSUs {
			if p.PDU == pdu {
				total += float64(p.Watts) / float64(live)
			}
		}
	}
	return int(total + 0.5)
}
