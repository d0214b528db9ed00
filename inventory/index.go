package inventory

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// index looks up the inventory's named objects. Where a name is declared
// twice the first declaration wins; Validate reports the second.
type index struct {
	sites   map[string]*Site
	racks   map[string]*Rack
	pdus    map[string]*PDU
	creds   map[string]*Credential
	roles   map[string]*Role
	servers map[string]*Server
}

func newIndex(inv *Inventory) *index {
	ix := &index{
		sites:   make(map[string]*Site, len(inv.Sites)),
		racks:   make(map[string]*Rack, len(inv.Racks)),
		pdus:    make(map[string]*PDU, len(inv.PDUs)),
		creds:   make(map[string]*Credential, len(inv.Credentials)),
		roles:   make(map[string]*Role, len(inv.Roles)),
		servers: make(map[string]*Server, len(inv.Servers)),
	}
	for _, s := range inv.Sites {
		putFirst(ix.sites, s.Name, s)
	}
	for _, r := range inv.Racks {
		putFirst(ix.racks, r.Name, r)
	}
	for _, p := range inv.PDUs {
		putFirst(ix.pdus, p.Name, p)
	}
	for _, c := range inv.Credentials {
		putFirst(ix.creds, c.Name, c)
	}
	for _, r := range inv.Roles {
		putFirst(ix.roles, r.Name, r)
	}
	for _, s := range inv.Servers {
		putFirst(ix.servers, s.Name, s)
	}
	return ix
}

func putFirst[K comparable, T any](m map[K]T, k K, v T) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

func errorAt(r hcl.Range, summary, format string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, args...), Subject: r.Ptr()}
}

func warningAt(r hcl.Range, summary, format string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: summary, Detail: fmt.Sprintf(format, args...), Subject: r.Ptr()}
}

// where names a range for "already used at …" messages: file:line.
func where(r hcl.Range) string {
	return fmt.Sprintf("%s:%d", r.Filename, r.Start.Line)
}
