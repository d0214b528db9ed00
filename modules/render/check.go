package render

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// minPerSite is how many hosts of a role each of its sites needs for the
// role to be rendered at all, whatever the inventory asks.
var minPerSite = map[string]int{RoleLB: 1, RoleWeb: 1, RoleMX: 2, RoleDNS: 1, RoleMonitor: 1}

// MinDBNodes is the smallest Galera cluster racksmith renders.
const MinDBNodes = 3

var domainRE = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)

// check refuses inventories the renderers cannot turn into a working
// service. Each diagnostic's subject is the block to fix.
func check(t *Topology) hcl.Diagnostics {
	var diags hcl.Diagnostics
	svc := t.Inv.Service
	if svc == nil {
		for _, s := range t.Inv.Servers {
			if len(s.Roles) > 0 {
				return append(diags, errorf(&s.DeclRange, "Missing service block",
					"Server %q carries roles %s but the inventory has no service \"mail\" block with domains, primary_site and vips.",
					s.Name, strings.Join(s.Roles, ", ")))
			}
		}
		return nil
	}
	if len(svc.Domains) == 0 {
		diags = append(diags, errorf(&svc.DeclRange, "Missing mail domains", "The service block needs at least one domain in domains."))
	}
	for _, d := range svc.Domains {
		if !domainRE.MatchString(d) {
			diags = append(diags, errorf(&svc.DeclRange, "Invalid mail domain",
				"domains: %q is not a lowercase DNS name such as \"example.org\".", d))
		}
	}
	if t.sites[svc.PrimarySite] == nil {
		diags = append(diags, errorf(&svc.DeclRange, "Unknown primary site",
			"primary_site = %q names no site block; sites are %s.", svc.PrimarySite, strings.Join(t.Sites, ", ")))
	}
	for site := range svc.VIPs {
		if t.sites[site] == nil {
			diags = append(diags, errorf(&svc.DeclRange, "Unknown VIP site", "vips names site %q, which has no site block.", site))
		}
	}
	for _, h := range t.Hosts {
		if len(h.Roles) > 0 && !h.Addr.IsValid() {
			diags = append(diags, errorf(&h.Server.DeclRange, "Missing server address",
				"Server %q carries roles %s but has no address to render into its peers' configuration.", h.Name, strings.Join(h.Roles, ", ")))
		}
	}
	diags = append(diags, checkPerSite(t)...)
	diags = append(diags, checkVIPs(t)...)
	diags = append(diags, checkDB(t)...)
	diags = append(diags, checkReplica(t)...)
	return diags
}

// roleSubject is the block a role's problem is reported on: the role block,
// else the first server carrying it.
func (t *Topology) roleSubject(role string) *hcl.Range {
	if r := t.roles[role]; r != nil {
		return &r.DeclRange
	}
	if hs := t.With(role, ""); len(hs) > 0 {
		return &hs[0].Server.DeclRange
	}
	if t.Inv.Service != nil {
		return &t.Inv.Service.DeclRange
	}
	return nil
}

func checkPerSite(t *Topology) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, role := range []string{RoleLB, RoleWeb, RoleMX, RoleDNS, RoleMonitor} {
		need := minPerSite[role]
		if r := t.roles[role]; r != nil && r.PerSite > need {
			need = r.PerSite
		}
		for _, site := range t.SitesOf(role) {
			if got := len(t.With(role, site)); got < need {
				diags = append(diags, errorf(t.roleSubject(role), "Too few hosts for role in site",
					"Role %q needs %d host(s) in site %q, the inventory has %d (%s).",
					role, need, site, got, listOrNone(Names(t.With(role, site)))))
			}
		}
	}
	return diags
}

func checkVIPs(t *Topology) hcl.Diagnostics {
	var diags hcl.Diagnostics
	svcRange := t.Inv.Service.DeclRange
	for _, site := range t.SitesOf(RoleLB) {
		vip, ok := t.VIPs[site]
		if !ok {
			if _, bad := t.Inv.Service.VIPs[site]; bad {
				continue // already reported as invalid
			}
			diags = append(diags, errorf(t.roleSubject(RoleLB), "Missing VIP for load balancer site",
				"Role \"lb\" runs in site %q but service.vips (%s) has no floating address for it.", site, svcRange))
			continue
		}
		if s := t.sites[site]; s != nil && s.Network.Prefix.IsValid() && !s.Network.Prefix.Contains(vip.Addr()) {
			diags = append(diags, errorf(&t.Inv.Service.DeclRange, "VIP outside site network",
				"service.vips[%q] = %s is outside the site's network %s: VRRP can only move it between hosts on that network.",
				site, vip.Addr(), s.Network.Prefix))
		}
	}
	return diags
}

// checkDB requires a Galera cluster of at least MinDBNodes in the primary
// site that keeps a majority after losing any one node or any one PDU.
func checkDB(t *Topology) hcl.Diagnostics {
	nodes := t.With(RoleDB, "")
	if len(nodes) == 0 && t.roles[RoleDB] == nil {
		return nil
	}
	subj := t.roleSubject(RoleDB)
	var diags hcl.Diagnostics
	for _, h := range nodes {
		if h.Site != t.PrimarySite {
			diags = append(diags, errorf(&h.Server.DeclRange, "Database node outside primary site",
				"Server %q carries role \"db\" in site %q; the primary cluster runs in primary_site %q (use role \"db-replica\" elsewhere).",
				h.Name, h.Site, t.PrimarySite))
		}
	}
	if len(nodes) < MinDBNodes {
		return append(diags, errorf(subj, "Database cluster too small",
			"Role \"db\" has %d node(s) (%s); a Galera cluster that stays writable after losing a node needs at least %d.",
			len(nodes), listOrNone(Names(nodes)), MinDBNodes))
	}
	quorum := len(nodes)/2 + 1
	if r := t.roles[RoleDB]; r != nil && r.Quorum > quorum {
		quorum = r.Quorum
	}
	for _, lost := range FailureDomains(nodes) {
		if left := len(nodes) - len(lost.Hosts); left < quorum {
			diags = append(diags, errorf(subj, "Database cluster loses quorum",
				"Losing %s takes down %s: %d of %d nodes remain, quorum needs %d. Spread the db nodes over more PDUs or add nodes.",
				lost.Name, strings.Join(Names(lost.Hosts), ", "), left, len(nodes), quorum))
		}
	}
	return diags
}

// FailureDomain is one thing that can fail and the hosts it takes down.
type FailureDomain struct {
	Name  string // "node db-1" or "PDU fra1-a"
	Hosts []*Host
}

// FailureDomains lists the single failures that matter for hosts: each node,
// and each PDU that is the only power of at least one of them.
func FailureDomains(hosts []*Host) []FailureDomain {
	var out []FailureDomain
	for _, h := range hosts {
		out = append(out, FailureDomain{Name: "node " + h.Name, Hosts: []*Host{h}})
	}
	byPDU := map[string][]*Host{}
	var pdus []string
	for _, h := range hosts {
		if len(h.PDUs) == 1 {
			p := h.PDUs[0]
			if byPDU[p] == nil {
				pdus = append(pdus, p)
			}
			byPDU[p] = append(byPDU[p], h)
		}
	}
	for _, p := range pdus {
		out = append(out, FailureDomain{Name: "PDU " + p, Hosts: byPDU[p]})
	}
	return out
}

func checkReplica(t *Topology) hcl.Diagnostics {
	nodes := t.With(RoleDBReplica, "")
	if len(nodes) == 0 && t.roles[RoleDBReplica] == nil {
		return nil
	}
	var diags hcl.Diagnostics
	if len(nodes) == 0 {
		return append(diags, errorf(t.roleSubject(RoleDBReplica), "Replica cluster has no nodes",
			"Role \"db-replica\" is declared but no server carries it."))
	}
	if len(t.With(RoleDB, "")) == 0 {
		diags = append(diags, errorf(t.roleSubject(RoleDBReplica), "Replica cluster has no primary",
			"Role \"db-replica\" replicates from role \"db\", which no server carries."))
	}
	site := nodes[0].Site
	for _, h := range nodes {
		switch {
		case h.Site == t.PrimarySite:
			diags = append(diags, errorf(&h.Server.DeclRange, "Replica node in primary site",
				"Server %q carries role \"db-replica\" in the primary site %q; the replica cluster belongs in another site.", h.Name, h.Site))
		case h.Site != site:
			diags = append(diags, errorf(&h.Server.DeclRange, "Replica nodes in several sites",
				"Server %q carries role \"db-replica\" in site %q, but %q is in %q: the replica cluster lives in one site.",
				h.Name, h.Site, nodes[0].Name, site))
		}
	}
	return diags
}

func listOrNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func errorf(subject *hcl.Range, summary, format string, args ...any) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(format, args...), Subject: subject}
}
