package inventory

// domainIndex lists, for every failure domain, the servers that go down
// with it, so that a what-if touches only those servers.
type domainIndex struct {
	bySite map[string][]*Server
	byRack map[string][]*Server
	byPDU  map[string][]*Server // servers whose only feed is the PDU
}

func newDomainIndex(inv *Inventory) *domainIndex {
	d := &domainIndex{
		bySite: make(map[string][]*Server, len(inv.Sites)),
		byRack: make(map[string][]*Server, len(inv.Racks)),
		byPDU:  make(map[string][]*Server, len(inv.PDUs)),
	}
	for _, s := range inv.Servers {
		d.bySite[s.Site] = append(d.bySite[s.Site], s)
		d.byRack[s.Rack] = append(d.byRack[s.Rack], s)
		if pdu, ok := onlyFeed(s); ok {
			d.byPDU[pdu] = append(d.byPDU[pdu], s)
		}
	}
	return d
}

// down returns the servers lost with a domain, in inventory order.
func (d *domainIndex) down(kind, name string) []*Server {
	switch kind {
	case DomainSite:
		return d.bySite[name]
	case DomainRack:
		return d.byRack[name]
	case DomainPDU:
		return d.byPDU[name]
	}
	return nil
}
