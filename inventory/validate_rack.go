package inventory

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// checkRackSpace reports servers beyond their rack's height and servers
// whose U slots overlap.
func checkRackSpace(inv *Inventory, ix *index) hcl.Diagnostics {
	var diags hcl.Diagnostics
	type slot struct {
		rack string
		u    int
	}
	taken := make(map[slot]*Server, 2*len(inv.Servers))
	for _, s := range inv.Servers {
		uAt := s.Attrs.Of("u", s.DeclRange)
		if s.U < 1 {
			diags = append(diags, errorAt(uAt, "Invalid rack unit", "server %q: \"u\" must be 1 or more, not %d.", s.Name, s.U))
			continue
		}
		if s.Height < 1 || s.Height > 20 {
			diags = append(diags, errorAt(s.Attrs.Of("height", s.DeclRange), "Invalid server height",
				"server %q: \"height\" must be between 1 and 20 U, not %d.", s.Name, s.Height))
			continue
		}
		rack, ok := ix.racks[s.Rack]
		if !ok {
			continue // reported by checkServerRefs
		}
		top := s.U + s.Height - 1
		if top > rack.Height {
			diags = append(diags, errorAt(uAt, "Server beyond rack height",
				"server %q: U %d–%d does not fit in rack %q of %d U.", s.Name, s.U, top, s.Rack, rack.Height))
			continue
		}
		for u := s.U; u <= top; u++ {
			if other, ok := taken[slot{s.Rack, u}]; ok {
				diags = append(diags, errorAt(uAt, "Rack units overlap",
					"server %q: U %d–%d of rack %q overlaps server %q (U %d–%d, %s).",
					s.Name, s.U, top, s.Rack, other.Name, other.U, other.U+other.Height-1, where(other.DeclRange)))
				break
			}
		}
		for u := s.U; u <= top; u++ {
			putFirst(taken, slot{s.Rack, u}, s)
		}
	}
	return diags
}

// checkOutlets reports two PSUs on one PDU outlet, outlets beyond the PDU's
// count and PSUs without a positive draw.
func checkOutlets(inv *Inventory, ix *index) hcl.Diagnostics {
	var diags hcl.Diagnostics
	type outlet struct {
		pdu string
		n   int
	}
	taken := make(map[outlet]owner, 2*len(inv.Servers))
	for _, s := range inv.Servers {
		for i, p := range s.PSUs {
			what := fmt.Sprintf("server %q psu %d", s.Name, i+1)
			at := p.Attrs.Of("outlet", p.Range)
			if p.Watts <= 0 {
				diags = append(diags, errorAt(p.Attrs.Of("watts", p.Range), "Invalid PSU draw", "%s: \"watts\" must be positive, not %d.", what, p.Watts))
			}
			pdu, ok := ix.pdus[p.PDU]
			if !ok {
				continue // reported by checkServerRefs
			}
			if p.Outlet < 1 || p.Outlet > pdu.Outlets {
				diags = append(diags, errorAt(at, "No such PDU outlet",
					"%s: \"outlet\" %d does not exist on pdu %q, which has outlets 1–%d.", what, p.Outlet, p.PDU, pdu.Outlets))
				continue
			}
			k := outlet{p.PDU, p.Outlet}
			if prev, ok := taken[k]; ok {
				diags = append(diags, errorAt(at, "PDU outlet already used",
					"%s: outlet %d of pdu %q already feeds %s (%s).", what, p.Outlet, p.PDU, prev.what, where(prev.at)))
				continue
			}
			taken[k] = owner{what, at}
		}
	}
	return diags
}
